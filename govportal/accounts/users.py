"""Wagtail's users area, with the rule that only a platform superuser grants superuser rights or group
memberships, or edits or deletes a superuser (wired in through UsersConfig in apps.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.users.views import users as wagtail_users

from .admin_forms import UserCreationForm, UserEditForm


def _refuse_superuser_target(request, target) -> None:
    if target is not None and target.is_superuser and not request.user.is_superuser:
        from .audit import record
        from .models import EventKind

        record(
            EventKind.DENIED,
            request=request,
            target=target,
            detail=f"试图修改超级管理员账号 {target.username}",
        )
        raise PermissionDenied("只有平台超级管理员可以修改或删除超级管理员账号。")


class CreateView(wagtail_users.CreateView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs


class EditView(wagtail_users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        _refuse_superuser_target(request, self.object)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs


class DeleteView(wagtail_users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        _refuse_superuser_target(request, self.get_object())
        return super().dispatch(request, *args, **kwargs)


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm
