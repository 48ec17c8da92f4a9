"""Login, second factor, profile, and user/role administration pages."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts import selectors, services
from gonghui.accounts.forms import (
    ROLE_FILTER_CHOICES,
    LoginForm,
    OtpTokenForm,
    PasswordChangeForm,
    RoleGrantForm,
    UserCreateForm,
    UserEditForm,
)
from gonghui.accounts.models import TokenStatus
from gonghui.accounts.services import LoginResult
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import (
    form_apply_error,
    masked_form_data,
    paginate,
    posted_org_or_404,
)
from gonghui.core.scope import can, org_in_scope, requires


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, user = services.login_check(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            request=request,
        )
        if result == LoginResult.OK:
            login(request, user)  # rotates the session key
            audit_record(action=AuditAction.LOGIN, user=user, org=user.org)
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect(f"{reverse('accounts:otp_verify')}?next={_safe_next(request, '/')}")
            return redirect(_safe_next(request, reverse("core:home")))
        if result == LoginResult.LOCKED:
            until = (
                timezone.localtime(user.locked_until).strftime("%H:%M")
                if user and user.locked_until
                else ""
            )
            form.add_error(
                None, f"连续登录失败次数过多，账号已锁定，请于 {until} 后再试，或联系管理员。"
            )
        else:
            form.add_error(None, "用户名或密码错误。连续输错 5 次，账号将被锁定 15 分钟。")
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(action=AuditAction.LOGOUT, user=request.user, org=request.user.org)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
def otp_verify(request):
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request, reverse("core:home")))
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            user=request.user,
            org=request.user.org,
            result="failure",
            detail={"reason": "bad_otp"},
        )
        form.add_error("token", "验证码不正确或已过期，请重新输入。")
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


def _password_change_check(user, data: dict) -> None:
    """The current password and the new one's rules, checked together (one round)."""
    fields: dict[str, list[str]] = {}
    old = data.get("old_password")
    if old is not None and not user.check_password(old):
        fields["old_password"] = ["当前密码不正确。"]
    try:
        services.user_password_validate(user=user, password=data.get("new_password1", ""))
    except ServiceError as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)


@login_required
def profile(request):
    user = request.user
    password_form = PasswordChangeForm(prefix="pw")
    otp_form = OtpTokenForm(prefix="otp")
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending = None
    action = request.POST.get("action")
    if request.method == "POST" and action == "password":
        password_form = PasswordChangeForm(
            request.POST, prefix="pw", check=lambda data: _password_change_check(user, data)
        )
        if password_form.is_valid():
            try:
                _password_change_check(user, password_form.cleaned_data)
            except ServiceError as exc:
                password_form.add_service_errors(exc)
            else:
                try:
                    services.user_password_set(
                        actor=user, user=user, password=password_form.cleaned_data["new_password1"]
                    )
                except ServiceError as exc:
                    for msg in exc.fields.get("password", [exc.message]):
                        password_form.add_error("new_password1", msg)
                else:
                    from django.contrib.auth import update_session_auth_hash

                    update_session_auth_hash(request, user)
                    messages.success(request, "密码已修改。")
                    return redirect("accounts:profile")
    if not confirmed:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if action == "otp_start" and request.method == "POST":
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            pending = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
        elif action == "otp_confirm" and request.method == "POST" and pending:
            otp_form = OtpTokenForm(request.POST, prefix="otp")
            if otp_form.is_valid() and pending.verify_token(otp_form.cleaned_data["token"]):
                pending.confirmed = True
                pending.save()
                otp_login(request, pending)
                audit_record(action=AuditAction.OTP_ENABLED, user=user, org=user.org, obj=user)
                messages.success(
                    request, "已启用双因素认证，今后登录需输入身份验证器中的动态验证码。"
                )
                return redirect("accounts:profile")
            otp_form.add_error("token", "验证码不正确，请确认手机时间准确后重试。")
    qr_svg = otp_secret = ""
    if pending:
        qr_svg = segno.make(pending.config_url, error="m").svg_inline(scale=4)
        otp_secret = base64.b32encode(pending.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/profile.html",
        {
            "password_form": password_form,
            "otp_form": otp_form,
            "otp_confirmed": confirmed,
            "otp_pending": pending,
            "qr_svg": qr_svg,
            "otp_secret": otp_secret,
            "assignments": selectors.assignments_of(user),
            "phone_masked": mask_phone(user.phone),
            "tokens": _token_rows(selectors.tokens_of(user)),
        },
    )


def _token_rows(tokens) -> list:
    """Tokens with their state for display (有效 / 已过期 / 已撤销); never their secrets."""
    now = timezone.now()
    rows = list(tokens)
    for token in rows:
        token.state = token.status(now)
        token.state_label = TokenStatus(token.state).label
    return rows


def _token_revoke_and_report(request, token) -> None:
    try:
        services.token_revoke(actor=request.user, token=token)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销令牌 {token.prefix}…，使用它的程序将立即无法访问接口。")


@login_required
@require_POST
def profile_token_revoke(request, token_pk):
    """Revoke one of one's own API tokens (账号安全)."""
    token = selectors.token_of_user_or_404(request.user, token_pk)
    _token_revoke_and_report(request, token)
    return redirect(reverse("accounts:profile") + "#tokens")


def _require(request, module: str, action: str) -> None:
    if not can(request.user, module, action):
        raise Http404


@requires("accounts", Action.VIEW)
def user_list(request):
    filters = {k: request.GET.get(k, "") for k in ("q", "role", "active")}
    users = selectors.user_list(request.user, **filters)
    return render(
        request,
        "accounts/user_list.html",
        {
            **paginate(request, users),
            "filters": filters,
            "role_choices": ROLE_FILTER_CHOICES,
            "can_edit": can(request.user, "accounts", Action.EDIT),
        },
    )


def _edit_orgs(request):
    return selectors.orgs_administered(request.user)


@login_required
def user_create(request):
    _require(request, "accounts", Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "org", "accounts", Action.EDIT)
    orgs = _edit_orgs(request)
    roles = selectors.roles_grantable_somewhere(request.user)
    form = UserCreateForm(
        request.POST or None,
        orgs=orgs,
        roles=roles,
        check=lambda data: services.user_validate(
            actor=request.user, password=data.get("password1"), **data
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = orgs.filter(pk=data["org"]).first()
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                org=org,
                phone=data["phone"],
                email=data["email"],
            )
            if data.get("role"):
                services.role_grant(actor=request.user, user=user, org=org, role=data["role"])
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已创建用户 {user.username}。")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_detail(request, pk):
    _require(request, "accounts", Action.VIEW)
    target = selectors.user_get(request.user, pk)
    can_edit = org_in_scope(request.user, "accounts", Action.EDIT, target.org)
    grant_form = None
    if can_edit:
        grant_form = RoleGrantForm(orgs=_edit_orgs(request))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": selectors.assignments_of(target),
            "can_edit": can_edit,
            "grant_form": grant_form,
            "phone_masked": mask_phone(target.phone),
            "now": timezone.now(),
            "tokens": _token_rows(selectors.tokens_of(target)),
        },
    )


@login_required
def user_edit(request, pk):
    _require(request, "accounts", Action.EDIT)
    target = selectors.user_get(request.user, pk, Action.EDIT)
    masked, data = masked_form_data(request, target, {"phone": mask_phone})
    initial = {
        "full_name": target.full_name,
        "email": target.email,
        "is_active": target.is_active,
        **masked,
    }
    form = UserEditForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "用户信息已保存。")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def role_grant(request, pk):
    _require(request, "accounts", Action.EDIT)
    target = selectors.user_get(request.user, pk, Action.EDIT)
    posted_org_or_404(request, "org", "accounts", Action.EDIT)
    orgs = _edit_orgs(request)
    form = RoleGrantForm(request.POST, orgs=orgs)
    if form.is_valid():
        org = orgs.filter(pk=form.cleaned_data["org"]).first()
        try:
            services.role_grant(
                actor=request.user, user=target, org=org, role=form.cleaned_data["role"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"已授予 {target.display_name}「{form.cleaned_data['role'].name}」@ {org.name}。",
            )
    else:
        messages.error(request, "请选择组织和角色。")
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def role_revoke(request, pk, assignment_pk):
    _require(request, "accounts", Action.EDIT)
    target = selectors.user_get(request.user, pk, Action.EDIT)
    assignment = selectors.assignment_get(request.user, assignment_pk)
    if assignment.user_id != target.pk:
        raise Http404
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销该角色。")
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def token_revoke(request, pk, token_pk):
    """An administrator revokes an API token of a user in their scope."""
    _require(request, "accounts", Action.EDIT)
    target = selectors.user_get(request.user, pk, Action.EDIT)
    token = selectors.token_of_user_or_404(target, token_pk)
    _token_revoke_and_report(request, token)
    return redirect(reverse("accounts:user_detail", args=[target.pk]) + "#tokens")
