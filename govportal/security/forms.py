"""The back office's document and image forms with the upload checks of :mod:`govportal.security.uploads`.

Installed through Wagtail's own settings (``WAGTAILDOCS_DOCUMENT_FORM_BASE``,
``WAGTAILIMAGES_IMAGE_FORM_BASE``), so every way Wagtail uploads — the add and edit views, multiple
upload, the chooser's upload tab — runs the same checks. A refused file is a field error in Chinese; the
title, collection and tags typed stay in the form.
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from govportal.portal.models import HomePage

from .uploads import UploadRefused, check_upload, document_kind, kind


def user_locality(user) -> str:
    """The locality whose rules apply to an upload: the uploader's unit's, else the only site's."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    unit = getattr(staff, "unit", None) if staff else None
    if unit is not None and unit.locality:
        return unit.locality
    try:
        localities = set(HomePage.objects.exclude(locality="").values_list("locality", flat=True)[:2])
    except Exception:
        return ""
    return localities.pop() if len(localities) == 1 else ""


class _UploadChecked:
    upload_user = None

    def __init__(self, *args, **kwargs):
        self.upload_user = kwargs.get("user")
        super().__init__(*args, **kwargs)

    def upload_kind(self, f):
        raise NotImplementedError

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if isinstance(f, UploadedFile):  # a new file (editing without one keeps the stored file)
            try:
                check_upload(f, self.upload_kind(f), user_locality(self.upload_user))
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc), code="upload_refused") from exc
        return f


class DocumentForm(_UploadChecked, BaseDocumentForm):
    def upload_kind(self, f):
        return document_kind(f.name)


class ImageForm(_UploadChecked, BaseImageForm):
    def upload_kind(self, f):
        return kind("image")
