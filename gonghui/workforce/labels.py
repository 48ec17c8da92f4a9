"""Chinese labels of the codes the workforce services write into audit details."""


def register() -> None:
    from gonghui.core.labels import labels_register

    labels_register(keys={})
