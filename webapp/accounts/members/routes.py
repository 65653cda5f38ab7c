"""Members pages (admins only): invitations first, then the list and search, add, change role, reset
password, remove."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import invitations, membership, sessions
from webapp.accounts.members import bp
from webapp.accounts.members.forms import AddMemberForm, InviteForm, ResetPasswordForm, RoleForm
from webapp.accounts.queries import members_query, scoped_member_or_404
from webapp.core.clock import utcnow
from webapp.core.decorators import admin_required
from webapp.core.exceptions import DomainError
from webapp.core.extensions import db
from webapp.core.i18n import role_name
from webapp.core.pages import confirm_page, confirmed, current_page, search_term, show_domain_error


def role_form_for(member):
    """The inline role selector of one row of the list."""
    return RoleForm(formdata=None, data={"role": member.role}, prefix=f"m{member.id}")


def render_index(invite_form, status=200):
    q = search_term()
    page = current_page(members_query(current_user.corporation_id, q))
    pending = db.session.scalars(invitations.pending_query(current_user.corporation_id)).all()
    return render_template("members/index.html", page=page, q=q, role_form_for=role_form_for,
                           invite_form=invite_form, pending=pending, now=utcnow()), status


@bp.get("/")
@admin_required
def index():
    return render_index(InviteForm(formdata=None))


@bp.post("/invitations")
@admin_required
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return render_index(form, 400)
    try:
        invitation = invitations.invite(current_user, form.email.data, form.role.data)
    except DomainError as error:
        show_domain_error(form, error)
        return render_index(form, error.status)
    flash(_("An invitation to join as %(role)s was sent to %(email)s.", email=invitation.email,
            role=role_name(invitation.role)), "success")
    return redirect(url_for("members.index"))


@bp.post("/invitations/<int:invitation_id>/resend")
@admin_required
def resend_invitation(invitation_id):
    invitation = invitations.resend(current_user, invitations.scoped_invitation_or_404(current_user, invitation_id))
    flash(_("The invitation to %(email)s was sent again with a new link.", email=invitation.email), "success")
    return redirect(url_for("members.index"))


@bp.post("/invitations/<int:invitation_id>/revoke")
@admin_required
def revoke_invitation(invitation_id):
    invitation = invitations.scoped_invitation_or_404(current_user, invitation_id)
    invitations.revoke(current_user, invitation)
    flash(_("The invitation to %(email)s was revoked; its link no longer works.", email=invitation.email), "success")
    return redirect(url_for("members.index"))


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def add():
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            pending = membership.add_member(current_user, form.email.data, form.password.data, form.role.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("members/add.html", form=form), error.status
        flash(added_pending_message(pending), "success")
        return redirect(url_for("members.index"))
    return render_template("members/add.html", form=form), 400 if form.errors else 200


def added_pending_message(pending) -> str:
    """What adding a member with a password answers, whether or not the address is in use elsewhere."""
    return _("%(email)s was added as %(role)s, pending: we sent the address a link to confirm it. The account "
             "works with the password you chose once it is confirmed.", email=pending.email,
             role=role_name(pending.role))


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
