"""Videos of items are uploaded as documents (mp4, webm) and played from the site itself."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["发布会实录.mp4", "政策解读.webm"])
def test_video_files_can_be_uploaded_as_documents(django_user_model, name):
    user = django_user_model.objects.create_superuser("video-admin", password="Test@2026pw")
    form_class = get_document_form(get_document_model())
    head = (
        b"\x00\x00\x00\x18ftypmp42"
        if name.endswith(".mp4")
        else b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm"
    )
    upload = SimpleUploadedFile(name, head + bytes(64), content_type="video/" + name.rsplit(".", 1)[-1])
    form = form_class({"title": name}, {"file": upload}, user=user)
    assert form.is_valid(), form.errors


def test_other_executable_files_are_still_refused(django_user_model):
    user = django_user_model.objects.create_superuser("video-admin2", password="Test@2026pw")
    form_class = get_document_form(get_document_model())
    form = form_class({"title": "x"}, {"file": SimpleUploadedFile("setup.exe", b"MZ")}, user=user)
    assert not form.is_valid() and "file" in form.errors
