from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = "会员管理"
    # Run in this order by `seed-demo` (gonghui.core.demo).
    demo_seeders = (
        "gonghui.members.demo.seed",
        "gonghui.members.joining.demo.seed",
        "gonghui.members.transfers.demo.seed",
    )

    def ready(self) -> None:
        from gonghui.members import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by members (joining, transfers, exports)."""
    from gonghui.core.labels import labels_register
    from gonghui.members.models import EmploymentForm, JoinPath, MemberStatus, TransferSide

    labels_register(
        keys={
            "path": "入会途径",
            "decision": "审核结果",
            "member_id": None,
            "member": None,
            "card_number": "会员卡号",
            "from_org": None,
            "to_org": None,
            "side": "发起方",
        },
        values={
            "path": JoinPath,
            "decision": {"approved": "通过", "rejected": "不通过", "cancelled": "撤销"},
            "side": TransferSide,
            "kind": {"membership_transfer": "会籍转移"},
            "what": {"members": "会员名册", "member_stats": "会员统计"},
        },
    )
    # The list filters the member export records.
    labels_register(
        what="members",
        keys={
            "org": "组织(编号)",
            "employment_form": "就业形态",
            "new_form_only": "仅新就业形态",
            "migrant": "农民工",
            "joined_year": "入会年份",
        },
        values={
            "employment_form": EmploymentForm,
            "status": MemberStatus,
            "new_form_only": {"1": "是"},
            "migrant": {"1": "是", "0": "否"},
        },
    )
