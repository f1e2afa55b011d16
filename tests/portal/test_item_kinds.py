"""Each kind of item shows the fields the regulations name, and the links between kinds work both ways."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from govportal.portal.models import (
    ArticlePage,
    Audience,
    Genre,
    InterpretationPage,
    LeaderProfilePage,
    MediaKind,
    OrganisationPage,
    PolicyDocumentPage,
    PressConferencePage,
    RepostPage,
    ServiceGuidePage,
    SpecialTopicPage,
    Validity,
)
from tests.conftest import column

from .kinds import publish

pytestmark = pytest.mark.django_db


def _doc(qinzhou, title="钦州市人民政府关于加强城市绿化管理的通知", **fields):
    values = {
        "document_number": "钦政发〔2026〕11号",
        "issuing_organ": "钦州市人民政府",
        "date_written": date(2026, 3, 2),
        "genre": Genre.NOTICE,
        "topic": "城乡建设、环境保护",
        "body": "<p>各县、区人民政府：现就加强城市绿化管理通知如下。</p>",
    }
    values.update(fields)
    return publish(column(qinzhou, "政府信息公开", "政策文件"), PolicyDocumentPage, title, **values)


# --- policy documents ---------------------------------------------------------------------------------


def test_policy_document_page_shows_its_header_fields(client, qinzhou):
    doc = _doc(qinzhou, keywords="城市绿化")
    html = client.get(doc.url).content.decode()
    for text in (
        "钦政发〔2026〕11号",
        "钦州市人民政府",
        "2026年3月2日",
        "城乡建设、环境保护",
        "通知",
        "城市绿化",
    ):
        assert text in html
    assert doc.index_number and doc.index_number in html
    assert "有 效 性" in html and ">有效<" in html
    assert "validity-banner" not in html


def test_repealed_document_carries_a_banner_naming_the_repealing_document(client, qinzhou):
    new = _doc(qinzhou, "钦州市城市绿化管理办法", document_number="钦政规〔2026〕4号")
    old = _doc(
        qinzhou,
        "钦州市城市绿化管理暂行办法",
        document_number="钦政规〔2020〕1号",
        validity=Validity.REPEALED,
        validity_date=date(2026, 5, 1),
        validity_changed_by=new,
    )
    html = client.get(old.url).content.decode()
    assert "validity-banner" in html
    assert "【已废止】本文件已于2026年5月1日被废止" in html
    assert f'href="{new.url}"' in html and "钦政规〔2026〕4号" in html
    # …and the repealing document lists what it repealed.
    html_new = client.get(new.url).content.decode()
    assert "本文件修改或废止的文件" in html_new and "钦州市城市绿化管理暂行办法" in html_new


def test_expired_and_amended_documents_show_their_state(client, qinzhou):
    expired = _doc(
        qinzhou,
        "关于2020年度春耕生产的通知",
        validity=Validity.EXPIRED,
        validity_date=date(2021, 1, 1),
        validity_note="有效期届满。",
    )
    html = client.get(expired.url).content.decode()
    assert "【已失效】本文件已于2021年1月1日失效" in html and "有效期届满。" in html
    amended = _doc(
        qinzhou,
        "钦州市城市道路挖掘管理规定",
        validity=Validity.AMENDED,
        validity_date=date(2026, 2, 1),
        validity_note="第十二条已由钦政发〔2026〕2号修改。",
    )
    html = client.get(amended.url).content.decode()
    assert "【已修改】" in html and "第十二条已由钦政发〔2026〕2号修改。" in html
    assert "修改后的规定以修改文件为准" in html


def test_changed_validity_needs_a_date_and_the_changing_document(qinzhou):
    doc = PolicyDocumentPage(
        title="某文件", issuing_organ="钦州市人民政府", body="<p>正文</p>", validity=Validity.REPEALED
    )
    with pytest.raises(ValidationError) as exc:
        doc.clean()
    errors = exc.value.message_dict
    assert "《钦州市人民政府门户网站管理办法》附件1" in errors["validity_date"][0]
    assert "须选择修改/废止本文件的文件" in errors["validity_changed_by"][0]


def test_list_pages_mark_documents_no_longer_in_force(client, qinzhou):
    doc = _doc(
        qinzhou,
        "已废止的旧文件",
        validity=Validity.REPEALED,
        validity_date=date(2026, 1, 5),
        validity_note="x",
    )
    html = client.get(doc.get_parent().url).content.decode()
    assert "已废止的旧文件" in html and "tag-invalid" in html


# --- interpretations ------------------------------------------------------------------------------------


def test_interpretation_and_document_link_both_ways(client, qinzhou):
    doc = _doc(qinzhou)
    interp = publish(
        column(qinzhou, "解读回应", "政策解读"),
        InterpretationPage,
        "一图读懂城市绿化管理新规",
        form="图表图解",
        policy=doc,
        body="<p>一张图看懂。</p>",
    )
    doc_html = client.get(doc.url).content.decode()
    assert "政策解读" in doc_html and f'href="{interp.url}"' in doc_html and "图表图解" in doc_html
    interp_html = client.get(interp.url).content.decode()
    assert "解读的政策文件" in interp_html and f'href="{doc.url}"' in interp_html
    assert "钦政发〔2026〕11号" in interp_html


def test_document_without_interpretation_says_so(client, qinzhou):
    assert "本文件暂无解读" in client.get(_doc(qinzhou).url).content.decode()


def test_media_commentary_needs_its_source(qinzhou):
    page = InterpretationPage(title="评论", form="媒体评论", body="<p>评论</p>")
    with pytest.raises(ValidationError) as exc:
        page.clean()
    assert "媒体评论须注明来源媒体" in exc.value.message_dict["source"][0]


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", password="Test@2026pw")
    client.force_login(user)
    return client


def _interp_form(title, **extra):
    data = {
        "title": title,
        "slug": "",
        "form": "文字解读",
        "body": rich_text("<p>解读内容</p>"),
        "date": "2026-11-20 10:00:00",
        "info_category": "unit",
        "attachments": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(extra)
    return nested_form_data(data)


def test_publishing_an_interpretation_without_its_document_is_refused_with_the_article(admin_client, qinzhou):
    parent = column(qinzhou, "解读回应", "政策解读")
    url = reverse("wagtailadmin_pages:add", args=("portal", "interpretationpage", parent.pk))
    response = admin_client.post(url, _interp_form("没有关联文件的解读"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "政策文件应与解读文件进行关联（《钦州市人民政府门户网站管理办法》第七条（二）" in html
    assert "没有关联文件的解读" in html  # nothing typed is lost
    assert not InterpretationPage.objects.filter(title="没有关联文件的解读").exists()

    doc = _doc(qinzhou)
    response = admin_client.post(url, _interp_form("关联了文件的解读", policy=str(doc.pk)))
    assert response.status_code == 302
    saved = InterpretationPage.objects.get(title="关联了文件的解读")
    # stored with its document; published only through the review (a direct "publish" keeps it a draft)
    assert saved.policy_id == doc.pk and not saved.live


# --- service guides -------------------------------------------------------------------------------------


def _guide_fields(**extra):
    fields = {
        "matter_type": "行政许可",
        "audience": Audience.LEGAL,
        "theme": "企业开办",
        "basis": "《中华人民共和国公司法》第二十九条",
        "conditions": "<p>有公司名称和住所。</p>",
        "materials": [
            (
                "material",
                {
                    "name": "公司章程",
                    "basis": "《中华人民共和国公司法》第四十六条",
                    "form": "原件",
                    "copies": 2,
                    "signature": "全体股东签名",
                    "necessity": "必要",
                    "note": "",
                    "blank_form": None,
                    "sample": None,
                },
            )
        ],
        "place": "市政务服务中心一楼",
        "agency": "市行政审批局",
        "fees": "不收费",
        "legal_time_limit": "3个工作日",
        "promised_time_limit": "1个工作日",
        "hours": "工作日 8:00-12:00",
        "phone": "0777-1234567",
        "complaint_phone": "12345",
        "process": [("step", {"name": "受理审查", "description": "", "time_limit": "0.5个工作日"})],
        "online_url": "https://zwfw.gxzf.gov.cn/",
    }
    fields.update(extra)
    return fields


def test_service_guide_shows_every_element_of_article_16(client, qinzhou):
    doc = _doc(qinzhou)
    guide = publish(
        column(qinzhou, "政务服务", "办事指南"),
        ServiceGuidePage,
        "有限责任公司设立登记",
        related_policies=[doc],
        **_guide_fields(),
    )
    html = client.get(guide.url).content.decode()
    for text in (
        "事项名称",
        "设定依据",
        "《中华人民共和国公司法》第二十九条",
        "申请条件",
        "办理材料",
        "公司章程",
        "《中华人民共和国公司法》第四十六条",
        "全体股东签名",
        "办理地点",
        "市政务服务中心一楼",
        "办理机构",
        "市行政审批局",
        "收费标准",
        "不收费",
        "办理时间",
        "0777-1234567",
        "办理流程",
        "受理审查",
        "法人办事",
    ):
        assert text in html, text
    assert 'data-label="份数">2</td>' in html  # copies
    assert 'href="https://zwfw.gxzf.gov.cn/"' in html and "在线办理" in html
    assert "相关政策文件" in html and f'href="{doc.url}"' in html
    # The policy document lists the guides that cite it.
    assert f'href="{guide.url}"' in client.get(doc.url).content.decode()


def test_service_guide_faq_hook_renders_nothing_until_an_app_provides_faqs(client, qinzhou):
    from wagtail import hooks

    guide = publish(
        column(qinzhou, "政务服务", "办事指南"), ServiceGuidePage, "企业注销登记", **_guide_fields()
    )
    html = client.get(guide.url).content.decode()
    assert "常见问题" not in html

    def faqs(page):
        return [{"question": f"{page.title}要多久？", "answer": "一般1个工作日。", "url": ""}]

    with hooks.register_temporarily("portal_service_guide_faqs", faqs):
        html = client.get(guide.url).content.decode()
    assert "常见问题" in html and "企业注销登记要多久？" in html


def _guide_form(title, **extra):
    data = {
        "title": title,
        "slug": "",
        "matter_type": "行政许可",
        "audience": "personal",
        "theme": "教育",
        "basis": "",
        "conditions": rich_text(""),
        "materials": streamfield([]),
        "process": streamfield([]),
        "form_files": streamfield([]),
        "date": "2026-11-20 10:00:00",
        "info_category": "unit",
        "attachments": streamfield([]),
        "comments": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def test_incomplete_guide_saves_as_draft_but_cannot_be_published(admin_client, qinzhou):
    parent = column(qinzhou, "政务服务", "办事指南")
    url = reverse("wagtailadmin_pages:add", args=("portal", "serviceguidepage", parent.pk))
    response = admin_client.post(url, _guide_form("学历证明办理", **{"action-publish": "action-publish"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "《钦州市人民政府门户网站管理办法》第十六条" in html and "设定依据" in html and "办理材料" in html
    assert not ServiceGuidePage.objects.filter(title="学历证明办理").exists()

    response = admin_client.post(url, _guide_form("学历证明办理"))  # save draft
    assert response.status_code == 302
    draft = ServiceGuidePage.objects.get(title="学历证明办理")
    assert not draft.live and draft.missing_elements()[:2] == ["设定依据", "申请条件"]


def test_service_guides_group_by_audience_and_theme(client, qinzhou):
    services = column(qinzhou, "政务服务", "办事指南")
    publish(services, ServiceGuidePage, "企业名称登记", **_guide_fields())
    publish(
        services,
        ServiceGuidePage,
        "小学入学登记",
        **_guide_fields(audience=Audience.PERSONAL, theme="教育", matter_type="公共服务"),
    )
    html = client.get(services.url).content.decode()
    assert "企业名称登记" in html and "小学入学登记" in html and "服务对象" in html
    legal = client.get(services.url + "?audience=legal").content.decode()
    assert "企业名称登记" in legal and "小学入学登记" not in legal
    personal = client.get(services.url + "?audience=personal").content.decode()
    assert "小学入学登记" in personal and "企业名称登记" not in personal
    # A theme column (主题服务/教育) gathers the guides of its theme from the whole site.
    theme = client.get(column(qinzhou, "政务服务", "主题服务", "教育").url).content.decode()
    assert "小学入学登记" in theme and "企业名称登记" not in theme


# --- organisation -------------------------------------------------------------------------------------


def test_leader_and_organisation_profiles(client, qinzhou):
    leader = publish(
        column(qinzhou, "政府信息公开", "法定主动公开内容", "机构职能", "领导信息"),
        LeaderProfilePage,
        "张某某",
        position="副市长",
        duties="<p>负责教育、卫生健康工作。</p>",
        resume="<p>历任某县县长。</p>",
    )
    html = client.get(leader.url).content.decode()
    assert (
        "副市长" in html and "工作分工" in html and "负责教育、卫生健康工作。" in html and "个人简历" in html
    )
    org = publish(
        column(qinzhou, "政府信息公开", "法定主动公开内容", "机构职能", "机构设置"),
        OrganisationPage,
        "钦州市统计局",
        functions="<p>组织实施统计调查。</p>",
        internal_bodies=[("body", {"name": "综合科", "duties": "统计分析", "phone": "0777-1111111"})],
        address="钦州市永福西大街1号",
        hours="工作日 8:00-12:00，15:00-18:00",
        phone="0777-2222222",
    )
    html = client.get(org.url).content.decode()
    for text in (
        "主要职责",
        "组织实施统计调查。",
        "内设机构",
        "综合科",
        "办公地址",
        "钦州市永福西大街1号",
        "办公时间",
        "0777-2222222",
    ):
        assert text in html


# --- press conferences, topics, reposts ------------------------------------------------------------------


def test_press_conference_transcript_and_repost_source(client, qinzhou):
    conf = publish(
        column(qinzhou, "解读回应", "新闻发布会"),
        PressConferencePage,
        "2026年全市经济运行情况新闻发布会",
        place="市政府新闻发布厅",
        participants="主持人：王某\n发布人：李某",
        transcript="<p>主持人：各位记者朋友大家好。</p>",
    )
    html = client.get(conf.url).content.decode()
    assert "文字实录" in html and "各位记者朋友大家好" in html and "发布人：李某" in html
    repost = publish(
        column(qinzhou, "动态信息", "国务院头条"),
        RepostPage,
        "国务院办公厅印发通知",
        source="中国政府网",
        original_url="https://www.gov.cn/zhengce/",
        body="<p>摘要。</p>",
    )
    html = client.get(repost.url).content.decode()
    assert "本文转载自<strong>中国政府网</strong>" in html and 'href="https://www.gov.cn/zhengce/"' in html
    with pytest.raises(ValidationError) as exc:
        RepostPage(title="x", original_url="https://www.gov.cn/").clean()
    assert "转载信息须注明来源" in exc.value.message_dict["source"][0]


def test_special_topic_has_its_own_layout_with_sections(client, qinzhou):
    news = column(qinzhou, "动态信息", "部门动态")
    publish(news, ArticlePage, "市人社局开展就业援助月活动", body="<p>活动</p>")
    topic = publish(
        column(qinzhou, "专题专栏", "稳就业保就业"),
        SpecialTopicPage,
        "稳就业专题",
        intro="集中发布就业政策与服务。",
        accent="blue",
        sections=[
            ("items", {"heading": "就业动态", "source": news.pk, "count": 5}),
            ("links", {"heading": "服务入口", "links": [{"title": "网上办事", "url": "/zwfw/"}]}),
        ],
    )
    publish(topic, ArticlePage, "专题内的招聘会信息", body="<p>招聘会</p>")
    html = client.get(topic.url).content.decode()
    assert "topic-blue" in html and "集中发布就业政策与服务。" in html
    assert "就业动态" in html and "市人社局开展就业援助月活动" in html
    assert "服务入口" in html and 'href="/zwfw/"' in html
    assert "专题内的招聘会信息" in html


# --- media kind ----------------------------------------------------------------------------------------


def test_media_kind_is_known_from_content(qinzhou):
    news = column(qinzhou, "动态信息", "政务要闻")
    text = publish(news, ArticlePage, "纯文字信息", body="<p>只有文字。</p>")
    assert text.media_kind == MediaKind.TEXT and text.media_kind_label == "纯文字"
    pictured = publish(
        news,
        ArticlePage,
        "图文信息",
        body='<p>图：</p><embed embedtype="image" id="1" format="fullwidth" alt="x"/>',
    )
    assert pictured.media_kind == MediaKind.IMAGE
    video = publish(news, ArticlePage, "视频信息", body="<p>视频</p>", video_url="/media/video/a.mp4")
    assert video.media_kind == MediaKind.VIDEO


def test_print_version_has_the_item_without_site_chrome(client, qinzhou):
    doc = _doc(qinzhou)
    html = client.get(doc.url + "?print=1").content.decode()
    assert "钦政发〔2026〕11号" in html and "返回网页版" in html
    assert 'aria-label="主导航"' not in html and "本页网址" in html
    normal = client.get(doc.url).content.decode()
    assert 'aria-label="主导航"' in normal and "打印版" in normal


def test_dates_ahead_are_refused_for_date_written(qinzhou):
    doc = PolicyDocumentPage(
        title="x", issuing_organ="y", body="<p>z</p>", date_written=date.today() + timedelta(days=30)
    )
    with pytest.raises(ValidationError) as exc:
        doc.clean()
    assert "成文日期不能晚于发布日期" in exc.value.message_dict["date_written"][0]


@pytest.mark.parametrize(
    "model",
    [
        "articlepage",
        "policydocumentpage",
        "interpretationpage",
        "serviceguidepage",
        "leaderprofilepage",
        "organisationpage",
        "datareleasepage",
        "pressconferencepage",
        "specialtopicpage",
        "repostpage",
    ],
)
def test_every_kind_can_be_created_in_the_back_office(admin_client, qinzhou, model):
    parent = column(qinzhou, "通知公告")
    response = admin_client.get(reverse("wagtailadmin_pages:add", args=("portal", model, parent.pk)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "索引号" in html and "主题分类" in html  # the catalogue fields every item has
