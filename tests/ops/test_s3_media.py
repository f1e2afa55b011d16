"""Media on S3-compatible storage (django-storages) against a local S3 endpoint: moto's server, started on
a free port here, no internet. A private document reaches only those allowed, through a signed, short-lived
URL; a public one is redirected to a signed URL too (the bucket itself stays private)."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile

BUCKET = "govportal-media-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] 未安装（pyproject 的 test 依赖）")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "location": "media",
        "default_acl": None,
        "file_overwrite": False,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "querystring_auth": True, "querystring_expire": 300},
        },
    }
    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _document(title, body: bytes, collection=None):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    doc = get_document_model()(title=title, collection=collection or Collection.get_first_root_node())
    doc.file.save("notice.txt", ContentFile(body), save=False)
    doc.save()
    return doc


def _private_collection():
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="内部资料")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type="login")
    return collection


def test_an_upload_lands_in_the_bucket_not_on_this_machine(s3_media, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    doc = _document("通知", "关于开展防汛检查的通知".encode())
    keys = [o["Key"] for o in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"media/{doc.file.name}"]
    assert not (tmp_path / "media").exists()


def test_a_public_document_is_served_through_a_short_lived_signed_url(s3_media, db, client):
    doc = _document("通知", "关于开展防汛检查的通知".encode())
    response = client.get(doc.url)
    assert response.status_code == 302
    target = response["Location"]
    query = parse_qs(urlsplit(target).query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    assert requests.get(target, timeout=10).content.decode() == "关于开展防汛检查的通知"


def test_a_private_document_never_leaves_for_the_bucket_without_its_check(
    s3_media, db, client, make_person, qinzhou
):
    doc = _document("内部通知", "仅限内部人员阅读".encode(), collection=_private_collection())
    anonymous = client.get(doc.url)
    assert anonymous.status_code == 302 and BUCKET not in anonymous["Location"]  # to the login page
    client.force_login(make_person("市教育局", "editor"))
    signed = client.get(doc.url)
    assert signed.status_code == 302 and BUCKET in signed["Location"]
    assert requests.get(signed["Location"], timeout=10).content.decode() == "仅限内部人员阅读"
    # (moto does not check signatures; a real store refuses a tampered or expired one.)
