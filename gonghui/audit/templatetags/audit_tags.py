"""Render an audit event's detail for people: Chinese labels, readable values."""

from django import template

register = template.Library()

DETAIL_LABELS = {
    "reason": "原因",
    "failures": "连续失败次数",
    "minutes": "锁定分钟数",
    "role": "角色编码",
    "role_name": "角色",
    "org": "组织",
    "changed": "修改字段",
    "from": "原上级",
    "to": "新上级",
    "from_id": "原上级编号",
    "to_id": "新上级编号",
    "field": "字段",
    "fields": "查看字段",
    "what": "内容",
    "rows": "行数",
    "filters": "筛选条件",
    "masked": "已脱敏",
    "name": "名称",
    "code": "编码",
    "prefix": "令牌前缀",
    "expires_at": "有效期至",
    "by": "操作方式",
    "file": "文件",
    "created_at": "备份时间",
    "key_fingerprint": "数据密钥指纹",
    "stage": "阶段",
    "re_encrypted": "重新加密",
    "hashes": "查找哈希",
    "orphaned_hashes": "无对应记录而未更新的查找哈希",
    "reactivated": "恢复",
}
REASON_VALUES = {
    "locked": "账号锁定中",
    "unknown_user": "用户名不存在",
    "inactive": "账号已停用",
    "bad_password": "密码错误",
    "bad_otp": "动态验证码错误",
    "out_of_scope": "超出管理范围",
    "stronger": "超出自身权限",
}


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "reason" and value in REASON_VALUES:
        return REASON_VALUES[value]
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if v not in ("", None)}
        return "，".join(f"{k}={v}" for k, v in shown.items()) or "无"
    return str(value)


@register.filter
def audit_detail(detail) -> str:
    if not detail:
        return ""
    return "；".join(
        f"{DETAIL_LABELS.get(key, key)}：{_value(key, value)}"
        for key, value in detail.items()
        if key not in {"role", "from_id", "to_id"}
    )
