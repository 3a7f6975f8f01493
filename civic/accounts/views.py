"""Accounts: register, confirm, sign in and out, reset, profile, residency."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from civic.accounts import residency as residency_service
from civic.accounts import services
from civic.accounts.forms import (
    ChangePasswordForm, DeleteAccountForm, ForgotPasswordForm, LanguageForm, LoginForm, RegisterForm,
    ResendConfirmationForm, ResetPasswordForm, ResidencyClaimForm,
)
from civic.communities.queries import communities_for_home
from civic.core.errors import DomainError
from civic.core.forms import invalid
from civic.core.mail import send_mail
from civic.core.views import safe_next
from civic.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _limit(name):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


def _send_confirmation(user) -> None:
    link = url_for("accounts.confirm", token=services.make_token(user, "confirm"), _external=True)
    with force_locale(user.locale):
        send_mail(user.email, _("Confirm your e-mail address for Ortaq"),
                  _("Hello, %(name)s!\n\nTo confirm your e-mail address, open this link:\n%(link)s\n\n"
                    "If you did not register on Ortaq, ignore this letter.", name=user.given_name, link=link))


@bp.route("/register", methods=["GET", "POST"])
@_limit("RATELIMIT_SIGNUP")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"), code=303)
    form = RegisterForm()
    if form.validate_on_submit():
        # The cookie is user input: only a supported language may be stored (it is used for mails).
        locale = request.cookies.get("lang")
        if locale not in current_app.config["LANGUAGES"]:
            locale = current_app.config["BABEL_DEFAULT_LOCALE"]
        try:
            user = services.register_user(
                email=form.email.data, password=form.password.data, surname=form.surname.data,
                given_name=form.given_name.data, patronymic=form.patronymic.data or "",
                locale=locale)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            _send_confirmation(user)
            flash(_("Almost done: we have sent a confirmation link to %(email)s. Open it to activate your account.",
                    email=user.email), "success")
            return redirect(url_for("accounts.login"), code=303)
    if request.method == "POST":
        return invalid("accounts/register.html", form=form)
    return render_template("accounts/register.html", form=form)


@bp.get("/confirm/<token>")
def confirm(token: str):
    try:
        services.confirm_email(token)
    except DomainError as error:
        db.session.rollback()
        return render_template("accounts/confirm_failed.html", message=error.message,
                               form=ResendConfirmationForm()), 400
    db.session.commit()
    flash(_("Your e-mail address is confirmed. You can sign in now."), "success")
    return redirect(url_for("accounts.login"), code=303)


@bp.post("/confirm/resend")
@_limit("RATELIMIT_RESET")
def resend_confirmation():
    form = ResendConfirmationForm()
    if not form.validate_on_submit():
        return invalid("accounts/confirm_failed.html", form=form, message=None)
    user = services.find_user_by_email(form.email.data)
    if user is not None and not user.is_confirmed:
        _send_confirmation(user)
    flash(_("If an unconfirmed account uses this address, we have sent it a new link."), "info")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/login", methods=["GET", "POST"])
@_limit("RATELIMIT_LOGIN")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"), code=303)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            services.start_session(user, request.user_agent.string or "")
            chosen = request.cookies.get("lang")
            if chosen in current_app.config["LANGUAGES"]:
                user.locale = chosen   # the language picked on this device is remembered in the profile
            db.session.commit()
            session.permanent = True
            login_user(user)
            response = redirect(safe_next(request.args.get("next"), url_for("core.index")), code=303)
            response.set_cookie("lang", user.locale, max_age=365 * 24 * 3600, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
            flash(_("Welcome, %(name)s!", name=user.given_name), "success")
            return response
    if request.method == "POST":
        return invalid("accounts/login.html", form=form)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        db.session.commit()
        logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.index"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None:
            link = url_for("accounts.reset_password", token=services.make_token(user, "reset"), _external=True)
            with force_locale(user.locale):
                send_mail(user.email, _("Reset your Ortaq password"),
                          _("Hello, %(name)s!\n\nTo choose a new password, open this link:\n%(link)s\n\n"
                            "The link works once. If you did not ask for it, ignore this letter.",
                            name=user.given_name, link=link))
        # The same answer whether or not the address is known.
        flash(_("If an account uses this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"), code=303)
    if request.method == "POST":
        return invalid("accounts/forgot.html", form=form)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_password(token: str):
    try:
        services.read_token(token, "reset")
    except DomainError as error:
        return render_template("accounts/reset_failed.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password is changed. Please sign in with the new password."), "success")
            return redirect(url_for("accounts.login"), code=303)
    if request.method == "POST":
        return invalid("accounts/reset.html", form=form, token=token)
    return render_template("accounts/reset.html", form=form, token=token)


def _profile_page(status=200, **forms):
    context = {
        "language_form": forms.get("language_form") or LanguageForm(locale=current_user.locale),
        "password_form": forms.get("password_form") or ChangePasswordForm(),
    }
    return render_template("accounts/profile.html", **context), status


@bp.get("/")
@login_required
def profile():
    return _profile_page()


@bp.post("/language")
@login_required
def update_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        return _profile_page(422, language_form=form)
    services.set_locale(current_user, form.locale.data)
    db.session.commit()
    response = redirect(url_for("accounts.profile"), code=303)
    response.set_cookie("lang", form.locale.data, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    with force_locale(form.locale.data):
        flash(_("Language saved."), "success")
    return response


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            # Sign out every other device; keep this one.
            services.end_all_sessions(current_user)
            services.start_session(current_user, request.user_agent.string or "")
            db.session.commit()
            # The real user, not the proxy: login_user(current_user) makes current_user point at itself.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"), code=303)
    return _profile_page(422, password_form=form)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account and personal data have been deleted."), "info")
            return redirect(url_for("core.index"), code=303)
    if request.method == "POST":
        return invalid("accounts/delete.html", form=form)
    return render_template("accounts/delete.html", form=form)


def _claim_form() -> ResidencyClaimForm:
    form = ResidencyClaimForm()
    form.territory.choices = [(t.id, t.name) for t in communities_for_home()]
    return form


@bp.route("/residency", methods=["GET", "POST"])
@login_required
@_limit("RATELIMIT_RESET")
def residency():
    from civic.communities.models import Territory
    form = _claim_form()
    if request.method == "GET" and request.args.get("community", type=int):
        form.territory.data = request.args.get("community", type=int)
    if form.validate_on_submit():
        territory = db.session.get(Territory, form.territory.data)
        try:
            if territory is None:
                raise DomainError(_("Choose your community."), field="territory")
            residency_service.claim_residency(current_user, territory, form.iin.data, form.surname.data)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("You are now a verified resident of %(name)s.", name=territory.name), "success")
            return redirect(url_for("accounts.profile"), code=303)
    if request.method == "POST":
        return invalid("accounts/residency.html", form=form)
    return render_template("accounts/residency.html", form=form)
