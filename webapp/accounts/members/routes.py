"""Members pages (admins only): list and search, add, change role, reset password, remove."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import membership, sessions
from webapp.accounts.members import bp
from webapp.accounts.members.forms import AddMemberForm, ResetPasswordForm, RoleForm
from webapp.accounts.queries import members_query, scoped_member_or_404
from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError
from webapp.core.i18n import role_name
from webapp.core.pages import confirm_page, confirmed, current_page, search_term, show_domain_error


def role_form_for(member):
    """The inline role selector of one row of the list."""
    return RoleForm(formdata=None, data={"role": member.role}, prefix=f"m{member.id}")


@bp.get("/")
@admin_required
def index():
    q = search_term()
    page = current_page(members_query(current_user.corporation_id, q))
    return render_template("members/index.html", page=page, q=q, role_form_for=role_form_for)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def add():
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            member = membership.add_member(current_user, form.email.data, form.password.data, form.role.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("members/add.html", form=form), error.status
        flash(_("%(email)s was added as %(role)s.", email=member.email, role=role_name(member.role)), "success")
        return redirect(url_for("members.index"))
    return render_template("members/add.html", form=form), 400 if form.errors else 200


@bp.post("/<int:member_id>/role")
@admin_required
def change_role(member_id):
    member = scoped_member_or_404(current_user, member_id)
    form = RoleForm(prefix=f"m{member.id}")
    if not form.validate_on_submit():
        flash(_("Choose admin or guest."), "error")
        return redirect(url_for("members.index"))
    demoting_myself = member.id == current_user.id and member.is_admin and form.role.data != "admin"
    if demoting_myself and not confirmed():
        return confirm_page(_("Make yourself a guest? You will no longer be able to manage members, videos or "
                              "the plan, and another admin must make you admin again."),
                            _("Make me a guest"), url_for("members.index"))
    try:
        membership.change_role(current_user, member, form.role.data)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("members.index"))
    flash(_("%(email)s is now %(role)s.", email=member.email, role=role_name(member.role)), "success")
    if member.id == current_user.id and not member.is_admin:
        return redirect(url_for("library.index"))
    return redirect(url_for("members.index"))


@bp.route("/<int:member_id>/password", methods=["GET", "POST"])
@admin_required
def reset_password(member_id):
    member = scoped_member_or_404(current_user, member_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            membership.reset_password(current_user, member, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("members/password.html", form=form, member=member), error.status
        if member.id == current_user.id:
            sessions.reissue_browser_session(member)  # the reset ended every session, this browser's included
        flash(_("The password of %(email)s was changed; their sessions have ended.", email=member.email), "success")
        return redirect(url_for("members.index"))
    status = 400 if form.errors else 200
    return render_template("members/password.html", form=form, member=member), status


@bp.post("/<int:member_id>/remove")
@admin_required
def remove(member_id):
    member = scoped_member_or_404(current_user, member_id)
    if not confirmed():
        return confirm_page(_("Remove %(email)s? They will no longer be able to log in.", email=member.email),
                            _("Remove"), url_for("members.index"))
    try:
        membership.remove_member(current_user, member)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("members.index"))
    flash(_("%(email)s was removed.", email=member.email), "success")
    return redirect(url_for("members.index"))
