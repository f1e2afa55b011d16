"""Believable demo content for every kind of item (idempotent: running it again adds nothing).

The documents, names and figures are invented for the demonstration; document numbers follow the local
pattern but belong to no real document. Pictures are drawn here (no download), forms are generated xlsx.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from govportal.accounts.models import Unit

from .columns import main_columns, with_paths
from .models import (
    ArticlePage,
    Audience,
    DataReleasePage,
    Genre,
    HomePage,
    InterpretationKind,
    InterpretationPage,
    LeaderProfilePage,
    MatterType,
    OrganisationPage,
    PolicyDocumentPage,
    PortalSettings,
    PressConferencePage,
    RepostPage,
    ServiceGuidePage,
    SpecialTopicPage,
    SubsiteHomePage,
    Validity,
)

DEMO_ITEMS = {
    "政务要闻": [
        ("市人民政府召开第十二次常务会议", "会议研究部署今冬明春安全生产、保障农民工工资支付等工作。"),
        ("全市优化营商环境工作推进会召开", "会议通报了今年以来全市营商环境评价情况，部署下一阶段重点任务。"),
        ("我市新增3个国家级农业产业强镇", "近日，农业农村部公布新一批农业产业强镇名单，我市3个镇入选。"),
    ],
    "部门动态": [
        (
            "市教育局开展秋季学期校园安全大检查",
            "检查覆盖全市中小学、幼儿园，重点排查消防、食品和交通安全隐患。",
        ),
        ("市人力资源社会保障局举办2026年冬季招聘会", "本次招聘会共有120家企业参会，提供岗位3200余个。"),
    ],
    "通知公告": [
        ("关于2027年元旦放假安排的通知", "根据国务院办公厅通知精神，现将2027年元旦放假安排通知如下。"),
        (
            "关于公开征求《钦州市城市绿化管理办法（征求意见稿）》意见的公告",
            "为提高立法质量，现向社会公开征求意见。",
        ),
    ],
}

MORE_ARTICLES = {
    ("动态信息", "县区动态"): [
        ("灵山县荔枝产业园入选自治区现代特色农业示范区", "园区通过“企业+合作社+农户”模式带动周边农户增收。"),
        ("钦南区开展沿海防台风应急演练", "演练模拟强台风登陆情景，检验了预警发布、人员转移和抢险救援能力。"),
        ("浦北县推进城乡供水一体化工程", "工程完工后将惠及沿线12个村约4万名群众。"),
    ],
    ("政府信息公开", "政府信息公开指南"): [
        (
            "钦州市人民政府信息公开指南",
            "为保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》编制本指南。"
            "本指南包括主动公开的范围、方式和时限，依申请公开的受理机构、提交方式和办理流程，以及监督和救济渠道。"
            "受理机构：市人民政府办公室；办公地址：钦州市永福西大街；办公时间：工作日上午8:00—12:00，下午15:00—18:00。",
        ),
    ],
    ("政府信息公开", "政府信息公开制度"): [
        (
            "钦州市政府信息公开保密审查办法",
            "各单位公开政府信息前，应当依照《中华人民共和国保守国家秘密法》和其他法律、法规及国家有关规定进行审查。",
        ),
    ],
    ("政府信息公开", "政府信息公开工作年度报告", "市本级信息公开年度报告"): [
        (
            "钦州市人民政府2025年政府信息公开工作年度报告",
            "本报告依据《中华人民共和国政府信息公开条例》第五十条和国务院办公厅政府信息公开办公室印发的年度报告格式编制，"
            "内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况等。",
        ),
    ],
}


def _column(home: HomePage, *path: str):
    for p, page in with_paths(home, main_columns(home)):
        if p == path:
            return page
    return None


def _body(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


# --- pictures and files made here ------------------------------------------------------------------


def _picture(width: int, height: int, colours: tuple[str, str], shapes: str = "hills") -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(img)
    top, bottom = (
        Image.new("RGB", (1, 1), colours[0]).getpixel((0, 0)),
        Image.new("RGB", (1, 1), colours[1]).getpixel((0, 0)),
    )
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    if shapes == "hills":
        draw.ellipse([-width // 4, height * 2 // 3, width * 3 // 4, height * 5 // 3], fill="#2e7d32")
        draw.ellipse([width // 3, height * 3 // 4, width * 3 // 2, height * 2], fill="#1b5e20")
        draw.ellipse(
            [width * 3 // 4, height // 8, width * 3 // 4 + height // 5, height // 8 + height // 5],
            fill="#ffd54f",
        )
    elif shapes == "portrait":
        draw.ellipse([width * 3 // 10, height // 6, width * 7 // 10, height // 2], fill="#e0c2a2")
        draw.ellipse([width // 8, height * 9 // 16, width * 7 // 8, height * 3 // 2], fill="#263238")
    elif shapes == "hall":
        draw.rectangle([width // 10, height // 3, width * 9 // 10, height * 5 // 6], fill="#f5f5f5")
        for i in range(6):
            x = width // 10 + i * width * 8 // 60 + width // 40
            draw.rectangle([x, height // 2, x + width // 20, height * 5 // 6], fill="#90a4ae")
        draw.polygon(
            [(width // 20, height // 3), (width // 2, height // 10), (width * 19 // 20, height // 3)],
            fill="#c62828",
        )
    elif shapes == "banner":
        for i in range(8):
            draw.ellipse(
                [i * width // 8, height // 3, i * width // 8 + height, height * 4 // 3],
                outline="#ffffff",
                width=3,
            )
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _image(title: str, data_fn):
    from wagtail.images import get_image_model

    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    from django.core.files.images import ImageFile

    data = data_fn()
    name = f"demo-{sum(title.encode()) % 10**6:06d}.png"
    image = Image(title=title, file=ImageFile(io.BytesIO(data), name=name))
    image.save()
    return image


def _xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _document(title: str, filename: str, data: bytes):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    doc = Document(title=title)
    doc.file.save(filename, ContentFile(data), save=False)
    doc.save()
    return doc


# --- adding pages ---------------------------------------------------------------------------------


class _Adder:
    def __init__(self, home: HomePage):
        self.home = home
        self.now = timezone.now()
        self.created = 0

    def add(self, parent, model, title: str, days_ago: float = 1, **fields):
        if parent is None:
            return None
        existing = model.objects.child_of(parent).filter(title=title).first()
        if existing:
            return existing
        m2m = {k: fields.pop(k) for k in list(fields) if k in ("related_policies",)}
        for name, value in fields.items():
            if isinstance(value, list) and value and isinstance(value[0], tuple):
                # StreamField content as raw data: [{"type": ..., "value": {...ids...}}]
                fields[name] = [{"type": t, "value": v} for t, v in value]
        page = model(title=title, date=self.now - timedelta(days=days_ago), **fields)
        for name, values in m2m.items():
            getattr(page, name).set(values)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page


def _unit(home, name):
    return Unit.objects.filter(locality=home.locality, name=name).first()


def add_demo_items(home: HomePage) -> int:
    adder = _Adder(home)
    for column_title, items in DEMO_ITEMS.items():
        column = main_columns(home).filter(title=column_title).first()
        for i, (title, body) in enumerate(items):
            adder.add(
                column, ArticlePage, title, days_ago=i * 2 + 1, source=column_title, body=f"<p>{body}</p>"
            )
    for path, items in MORE_ARTICLES.items():
        column = _column(home, *path)
        for i, (title, body) in enumerate(items):
            adder.add(
                column,
                ArticlePage,
                title,
                days_ago=i * 3 + 2,
                source="钦州市人民政府",
                unit=_unit(home, "市人民政府办公室"),
                body=_body(body),
            )
    _settings(home)
    _pictures_news(home, adder)
    policies = _policies(home, adder)
    _interpretations(home, adder, policies)
    _services(home, adder, policies)
    _organisation(home, adder)
    _data(home, adder)
    _press(home, adder, policies)
    _topics(home, adder)
    _repost(home, adder)
    _subsites(home, adder)
    return adder.created


def _settings(home):
    from wagtail.models import Site

    site = Site.objects.filter(root_page=home).first()
    if site is None:
        return
    s = PortalSettings.for_site(site)
    defaults = {
        "address": "钦州市永福西大街（演示地址）",
        "phone": "0777-12345",
        "email": "zfb@qinzhou.example.gov.cn",
        "site_code": "4507000000",
        "icp_number": "桂ICP备00000000号（演示）",
        "police_number": "桂公网安备 45070002000000号（演示）",
        "service_platform_name": "广西数字政务一体化平台",
        "service_platform_url": "https://zwfw.gxzf.gov.cn/",
    }
    changed = False
    for name, value in defaults.items():
        if not getattr(s, name):
            setattr(s, name, value)
            changed = True
    if not s.ipv6:
        s.ipv6 = changed = True
    if changed:
        s.save()


def _pictures_news(home, adder):
    column = _column(home, "动态信息", "图片新闻")
    items = [
        ("钦州港东航道扩建工程通过竣工验收", ("#4fc3f7", "#e1f5fe"), "hills"),
        ("“三月三”民族文化活动在市民广场举行", ("#ef9a9a", "#fff3e0"), "hall"),
    ]
    for i, (title, colours, shapes) in enumerate(items):
        image = _image(title, lambda c=colours, s=shapes: _picture(1200, 675, c, s))
        adder.add(
            column,
            ArticlePage,
            title,
            days_ago=i + 0.5,
            source="钦州日报",
            image=image,
            body=_body(
                f"{title}。活动现场秩序井然，市民群众积极参与。",
                "有关部门表示，将持续做好后续服务保障工作，让发展成果更多更公平惠及全体人民群众。",
            ),
        )


def _policies(home, adder) -> dict[str, PolicyDocumentPage]:
    normative = _column(home, "政府信息公开", "行政规范性文件")
    general = _column(home, "政府信息公开", "政策文件")
    office = _unit(home, "市人民政府办公室")
    edu = _unit(home, "市教育局")
    today = date.today()
    docs: dict[str, PolicyDocumentPage] = {}
    docs["old_subsidy"] = adder.add(
        normative,
        PolicyDocumentPage,
        "钦州市人民政府办公室关于印发钦州市城乡居民最低生活保障实施办法的通知",
        days_ago=900,
        document_number="钦政办规〔2024〕5号",
        issuing_organ="钦州市人民政府办公室",
        date_written=today - timedelta(days=905),
        genre=Genre.NORMATIVE,
        topic="民政、扶贫、救灾",
        unit=office,
        keywords="最低生活保障 实施办法",
        summary="规定城乡居民最低生活保障的对象认定、申请审核和资金发放。",
        body=_body(
            "各县、区人民政府，各开发区、管理区管委，市直各委、办、局：",
            "《钦州市城乡居民最低生活保障实施办法》已经市人民政府同意，现印发给你们，请认真贯彻执行。",
            "第一条 为规范城乡居民最低生活保障工作，根据《社会救助暂行办法》等规定，结合本市实际，制定本办法。",
        ),
    )
    docs["new_subsidy"] = adder.add(
        normative,
        PolicyDocumentPage,
        "钦州市人民政府办公室关于印发钦州市最低生活保障审核确认办法的通知",
        days_ago=30,
        document_number="钦政办规〔2026〕2号",
        issuing_organ="钦州市人民政府办公室",
        date_written=today - timedelta(days=36),
        genre=Genre.NORMATIVE,
        topic="民政、扶贫、救灾",
        unit=office,
        keywords="最低生活保障 审核确认",
        summary="统一全市最低生活保障审核确认程序，原实施办法同时废止。",
        body=_body(
            "各县、区人民政府，各开发区、管理区管委，市直各委、办、局：",
            "《钦州市最低生活保障审核确认办法》已经市人民政府同意，现印发给你们，请认真贯彻执行。",
            "本办法自印发之日起施行，有效期5年。《钦州市城乡居民最低生活保障实施办法》（钦政办规〔2024〕5号）同时废止。",
        ),
    )
    old = docs["old_subsidy"]
    if old and old.validity == Validity.VALID and docs["new_subsidy"]:
        old.validity = Validity.REPEALED
        old.validity_date = today - timedelta(days=30)
        old.validity_changed_by = docs["new_subsidy"]
        old.save_revision().publish()
    docs["school"] = adder.add(
        normative,
        PolicyDocumentPage,
        "钦州市教育局关于规范义务教育阶段学校招生入学工作的通知",
        days_ago=60,
        document_number="钦教规〔2026〕1号",
        issuing_organ="钦州市教育局",
        date_written=today - timedelta(days=64),
        genre=Genre.NOTICE,
        topic="科技、教育",
        unit=edu,
        summary="明确义务教育阶段公办学校免试就近入学、随迁子女入学的条件和材料。",
        body=_body(
            "各县（区）教育局，市直各学校：",
            "为进一步规范义务教育招生入学秩序，保障适龄儿童少年依法接受义务教育，现就有关事项通知如下。",
            "一、坚持免试就近入学。公办义务教育学校在划定的服务范围内免试招生。",
            "二、保障随迁子女入学。符合条件的进城务工人员随迁子女，按照“以居住证为主要依据”的原则统筹安排。",
        ),
    )
    docs["business"] = adder.add(
        general,
        PolicyDocumentPage,
        "钦州市人民政府关于进一步优化营商环境的若干措施",
        days_ago=12,
        document_number="钦政发〔2026〕8号",
        issuing_organ="钦州市人民政府",
        date_written=today - timedelta(days=16),
        genre=Genre.OPINION,
        topic="国民经济管理、国有资产监管",
        unit=office,
        summary="围绕企业开办、项目审批、要素保障等方面提出20条措施。",
        body=_body(
            "各县、区人民政府，各开发区、管理区管委，市直各委、办、局：",
            "为深入贯彻落实国家和自治区关于优化营商环境的决策部署，现提出以下措施。",
            "一、企业开办全程网办，1个工作日内办结。二、工程建设项目审批实行“一窗受理、并联审批”。",
        ),
    )
    docs["amended"] = adder.add(
        general,
        PolicyDocumentPage,
        "钦州市人民政府关于印发钦州市城市道路挖掘管理规定的通知",
        days_ago=700,
        document_number="钦政发〔2024〕3号",
        issuing_organ="钦州市人民政府",
        date_written=today - timedelta(days=705),
        genre=Genre.NOTICE,
        topic="城乡建设、环境保护",
        unit=office,
        validity=Validity.AMENDED,
        validity_date=today - timedelta(days=90),
        validity_note="第十二条已由《钦州市人民政府关于修改部分市政府规范性文件的决定》（钦政发〔2026〕2号）修改。",
        body=_body("第一条 为加强城市道路挖掘管理，保障城市道路完好和通行安全，制定本规定。"),
    )
    return {k: v for k, v in docs.items() if v}


def _interpretations(home, adder, policies):
    column = _column(home, "解读回应", "政策解读")
    infographic = _image(
        "一图读懂最低生活保障审核确认办法", lambda: _picture(900, 1400, ("#fff8e1", "#ffe0b2"), "hall")
    )
    if "new_subsidy" in policies:
        adder.add(
            column,
            InterpretationPage,
            "《钦州市最低生活保障审核确认办法》政策解读",
            days_ago=29,
            form=InterpretationKind.TEXT,
            policy=policies["new_subsidy"],
            source="钦州市民政局",
            topic="民政、扶贫、救灾",
            body=_body(
                "一、出台背景。为贯彻落实国家关于改革完善社会救助制度的部署，统一全市审核确认程序，制定本办法。",
                "二、主要内容。本办法明确了申请受理、家庭经济状况调查、审核确认和动态管理等环节。",
                "三、与原办法的区别。审核确认权限下放至乡镇（街道），办理时限由原来的30个工作日压缩至20个工作日。",
            ),
        )
        adder.add(
            column,
            InterpretationPage,
            "一图读懂：钦州市最低生活保障审核确认办法",
            days_ago=28,
            form=InterpretationKind.GRAPHIC,
            policy=policies["new_subsidy"],
            image=infographic,
            source="钦州市民政局",
            body=_body("用一张图说清楚：谁可以申请、怎么申请、多久办结。"),
        )
    if "business" in policies:
        adder.add(
            column,
            InterpretationPage,
            "评论：以“钦州速度”跑出营商环境新优势",
            days_ago=10,
            form=InterpretationKind.COMMENTARY,
            policy=policies["business"],
            source="钦州日报",
            original_url="https://www.example.com/qzrb/2026/pinglun.html",
            body=_body("20条措施直面企业关切，既有“快”的承诺，也有“实”的举措。"),
        )
    if "school" in policies:
        adder.add(
            column,
            InterpretationPage,
            "市教育局负责人解读义务教育招生入学新规",
            days_ago=58,
            form=InterpretationKind.INTERVIEW,
            policy=policies["school"],
            source="钦州市教育局",
            body=_body("问：今年招生入学有哪些变化？答：主要有三点变化……"),
        )


def _services(home, adder, policies):
    column = _column(home, "政务服务", "办事指南")
    if column is None:
        return
    form = _document(
        "钦州市义务教育入学申请表",
        "rxsqb.xlsx",
        _xlsx(
            "义务教育入学申请表", ["学生姓名", "身份证号", "监护人", "联系电话", "户籍地址", "居住地址"], []
        ),
    )
    sample = _document(
        "钦州市义务教育入学申请表（填写样例）",
        "rxsqb-yl.xlsx",
        _xlsx(
            "入学申请表填写样例",
            ["学生姓名", "身份证号", "监护人", "联系电话", "户籍地址", "居住地址"],
            [["张小明", "（按身份证填写18位号码）", "张某", "138********", "钦南区××路××号", "同户籍地址"]],
        ),
    )
    company_form = _document(
        "企业设立登记申请书",
        "qysldj.xlsx",
        _xlsx("企业设立登记申请书", ["企业名称", "住所", "法定代表人", "注册资本（万元）", "经营范围"], []),
    )

    def m(
        name, basis="", form="原件", copies=1, signature="", necessity="必要", blank=None, smp=None, note=""
    ):
        return (
            "material",
            {
                "name": name,
                "basis": basis,
                "form": form,
                "copies": copies,
                "signature": signature,
                "necessity": necessity,
                "note": note,
                "blank_form": blank,
                "sample": smp,
            },
        )

    def step(name, description="", limit=""):
        return ("step", {"name": name, "description": description, "time_limit": limit})

    edu = _unit(home, "市教育局")
    related_school = [policies["school"]] if "school" in policies else []
    adder.add(
        column,
        ServiceGuidePage,
        "义务教育阶段新生入学登记",
        days_ago=40,
        matter_type=MatterType.PUBLIC_SERVICE,
        audience=Audience.PERSONAL,
        theme="教育",
        unit=edu,
        basis="《中华人民共和国义务教育法》第十二条；《钦州市教育局关于规范义务教育阶段学校招生入学工作的通知》（钦教规〔2026〕1号）",
        conditions=_body("年满6周岁的适龄儿童；本市户籍或持有本市居住证的进城务工人员随迁子女。"),
        materials=[
            m("户口簿", "《中华人民共和国义务教育法》第十二条", "原件和复印件", 1, "复印件由监护人签名"),
            m("房屋产权证明或租赁合同", "钦教规〔2026〕1号第一条", "原件和复印件", 1, "复印件由监护人签名"),
            m("入学申请表", "钦教规〔2026〕1号", "原件", 1, "监护人签名", blank=form.pk, smp=sample.pk),
            m("居住证", "钦教规〔2026〕1号第二条", "原件和复印件", 1, "", "非必要", note="随迁子女提供"),
        ],
        place="各县（区）教育局招生办公室；钦州市政务服务中心教育窗口",
        agency="钦州市教育局",
        fees="不收费",
        legal_time_limit="20个工作日",
        promised_time_limit="5个工作日",
        hours="工作日上午8:00—12:00，下午15:00—18:00（法定节假日除外）",
        phone="0777-2821234",
        complaint_phone="12345",
        process=[
            step("网上报名或窗口申请", "监护人在广西数字政务一体化平台填报，或到窗口提交材料。"),
            step("材料审核", "教育部门审核户籍、房产等材料。", "3个工作日"),
            step("结果告知", "通过短信和平台告知录取学校。", "2个工作日"),
        ],
        form_files=[
            ("form", {"kind": "规范表格", "title": "", "document": form.pk}),
            ("form", {"kind": "示范文本", "title": "", "document": sample.pk}),
        ],
        online_url="https://zwfw.gxzf.gov.cn/",
        related_policies=related_school,
        topic="科技、教育",
    )
    approval = _unit(home, "市行政审批局")
    adder.add(
        column,
        ServiceGuidePage,
        "有限责任公司设立登记",
        days_ago=20,
        matter_type=MatterType.PERMIT,
        audience=Audience.LEGAL,
        theme="企业开办",
        unit=approval,
        basis="《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第三条",
        conditions=_body(
            "有符合公司章程规定的全体股东认缴的出资额；有公司名称和住所；有符合要求的组织机构。"
        ),
        materials=[
            m(
                "公司登记（备案）申请书",
                "《中华人民共和国市场主体登记管理条例实施细则》第二十五条",
                "原件",
                1,
                "法定代表人签字",
                blank=company_form.pk,
            ),
            m("公司章程", "《中华人民共和国公司法》第四十六条", "原件", 1, "全体股东签名（盖章）"),
            m("股东主体资格证明", "", "复印件", 1, "加盖公章（法人股东）"),
            m("住所使用证明", "", "复印件", 1, "", "容缺后补"),
        ],
        place="钦州市政务服务中心一楼企业开办专区",
        agency="钦州市行政审批局",
        fees="不收费",
        legal_time_limit="3个工作日",
        promised_time_limit="1个工作日",
        hours="工作日上午8:00—12:00，下午15:00—18:00",
        phone="0777-2825678",
        complaint_phone="12345",
        process=[
            step("申请", "网上或窗口提交材料"),
            step("受理审查", "", "0.5个工作日"),
            step("核准发照", "", "0.5个工作日"),
        ],
        form_files=[("form", {"kind": "规范表格", "title": "", "document": company_form.pk})],
        online_url="https://zwfw.gxzf.gov.cn/",
        related_policies=[policies["business"]] if "business" in policies else [],
        topic="商贸、海关、旅游",
    )
    hrss = _unit(home, "市人力资源社会保障局")
    adder.add(
        column,
        ServiceGuidePage,
        "城乡居民基本养老保险参保登记",
        days_ago=15,
        matter_type=MatterType.PUBLIC_SERVICE,
        audience=Audience.PERSONAL,
        theme="社会保障",
        unit=hrss,
        basis="《中华人民共和国社会保险法》第二十条、第二十二条",
        conditions=_body(
            "年满16周岁（不含在校学生），非国家机关和事业单位工作人员，不属于职工基本养老保险制度覆盖范围的城乡居民。"
        ),
        materials=[m("居民身份证或社会保障卡", "《中华人民共和国社会保险法》", "原件", 1, "无需签章")],
        place="户籍所在地乡镇（街道）社会保障服务中心",
        agency="钦州市社会保险事业管理中心",
        fees="不收费",
        legal_time_limit="即办",
        promised_time_limit="即办",
        hours="工作日上午8:00—12:00，下午15:00—18:00",
        phone="0777-2833456",
        process=[step("提出申请"), step("受理登记", "", "即办")],
        online_url="https://zwfw.gxzf.gov.cn/",
        topic="劳动、人事、监察",
    )
    # A guide for legal persons and individuals both: housing fund withdrawal.
    adder.add(
        column,
        ServiceGuidePage,
        "住房公积金提取（购买自住住房）",
        days_ago=8,
        matter_type=MatterType.BENEFIT,
        audience=Audience.BOTH,
        theme="住房",
        basis="《住房公积金管理条例》第二十四条",
        conditions=_body("购买自住住房的职工及其配偶。"),
        materials=[
            m(
                "购房合同或不动产权证书",
                "《住房公积金管理条例》第二十四条",
                "原件和复印件",
                1,
                "复印件由申请人签名",
            ),
            m("购房发票", "", "原件和复印件", 1, "复印件由申请人签名"),
        ],
        place="钦州市住房公积金管理中心服务大厅",
        agency="钦州市住房公积金管理中心",
        fees="不收费",
        legal_time_limit="3个工作日",
        promised_time_limit="1个工作日",
        hours="工作日上午8:00—12:00，下午15:00—18:00",
        phone="0777-12329",
        process=[step("提交申请"), step("审核", "", "1个工作日"), step("资金划转")],
        online_url="https://zwfw.gxzf.gov.cn/",
        topic="城乡建设、环境保护",
    )


def _organisation(home, adder):
    leaders = _column(home, "政府信息公开", "法定主动公开内容", "机构职能", "领导信息")
    for i, (name, gender, position, duties, colours) in enumerate(
        [
            ("陈建华", "男", "市长", "主持市人民政府全面工作。", ("#cfd8dc", "#eceff1")),
            (
                "黄丽娟",
                "女",
                "副市长",
                "负责教育、卫生健康、民政、人力资源社会保障等方面工作。",
                ("#d7ccc8", "#efebe9"),
            ),
            (
                "刘振国",
                "男",
                "副市长",
                "负责发展改革、工业和信息化、商务、营商环境等方面工作。",
                ("#c5cae9", "#e8eaf6"),
            ),
        ]
    ):
        photo = _image(f"{name}（演示照片）", lambda c=colours: _picture(480, 640, c, "portrait"))
        adder.add(
            leaders,
            LeaderProfilePage,
            name,
            days_ago=200 + i,
            position=position,
            photo=photo,
            sort_order=i,
            duties=_body(duties),
            resume=_body(
                f"{name}，{gender}，汉族，大学学历（演示数据，人物虚构）。",
                "历任县人民政府副县长、市直部门主要负责人等职。",
            ),
        )
    bodies = _column(home, "政府信息公开", "法定主动公开内容", "机构职能", "机构设置")
    adder.add(bodies, OrganisationPage, "钦州市教育局", days_ago=150, **_education_profile(home))
    subsite = SubsiteHomePage.objects.filter(unit__name="市教育局", unit__locality=home.locality).first()
    if subsite is not None:
        from .models import ColumnPage

        own = ColumnPage.objects.child_of(subsite).filter(title="机构职能").first()
        adder.add(own, OrganisationPage, "市教育局机构职能", days_ago=150, **_education_profile(home))


def _education_profile(home) -> dict:
    return dict(
        unit=_unit(home, "市教育局"),
        functions=_body(
            "（一）贯彻执行国家和自治区教育工作的方针、政策和法律法规，拟订全市教育发展规划并组织实施。",
            "（二）负责各级各类教育的统筹规划和协调管理，指导学校教育教学改革。",
            "（三）负责全市教育经费的统筹管理，参与拟订教育经费筹措、教育拨款等政策。",
        ),
        internal_bodies=[
            (
                "body",
                {
                    "name": "办公室",
                    "duties": "负责机关日常运转、政务公开、信息宣传等工作。",
                    "phone": "0777-2821001",
                },
            ),
            (
                "body",
                {
                    "name": "基础教育科",
                    "duties": "负责义务教育、学前教育和普通高中教育的宏观管理。",
                    "phone": "0777-2821002",
                },
            ),
            (
                "body",
                {
                    "name": "职业教育与成人教育科",
                    "duties": "统筹管理全市职业教育和继续教育。",
                    "phone": "0777-2821003",
                },
            ),
        ],
        head="局长 周某某（演示）",
        address="钦州市南珠东大街（演示地址）",
        postcode="535000",
        hours="工作日上午8:00—12:00，下午15:00—18:00",
        phone="0777-2821000",
        fax="0777-2821009",
        email="jyj@qinzhou.example.gov.cn",
    )


DATA_TEXT = """指标\t单位\t2026年1-3月\t2026年1-6月\t2026年1-9月
地区生产总值\t亿元\t452.3\t938.7\t1436.2
规模以上工业增加值增速\t%\t8.1\t8.6\t9.0
固定资产投资增速\t%\t10.2\t9.4\t8.8
社会消费品零售总额\t亿元\t126.5\t251.8\t380.4
城镇居民人均可支配收入\t元\t12035\t22410\t33218
农村居民人均可支配收入\t元\t5120\t9388\t14602"""


def _data(home, adder):
    column = _column(home, "钦州数据", "数据发布", "国民经济主要指标")
    adder.add(
        column,
        DataReleasePage,
        "2026年1—9月钦州市主要经济指标",
        days_ago=5,
        period_type="季度",
        data_text=DATA_TEXT,
        data=_parsed(DATA_TEXT),
        chart_type="bar",
        source="钦州市统计局",
        unit=_unit(home, "市统计局"),
        topic="国民经济管理、国有资产监管",
        body=_body("说明：以上数据为演示数据。地区生产总值按现价计算，增速按可比价格计算。"),
    )
    monthly = _column(home, "钦州数据", "数据发布", "图说数据")
    rows = [["指标", "单位"] + [f"2026年{m}月" for m in range(1, 10)]]
    rows.append(["全市用电量", "亿千瓦时"] + [18.2, 15.9, 19.4, 19.8, 21.3, 23.5, 25.1, 24.8, 22.0])
    rows.append(["港口货物吞吐量", "万吨"] + [1520, 1380, 1655, 1702, 1768, 1810, 1863, 1890, 1842])
    data_file = _document(
        "2026年1—9月月度指标（导入文件）",
        "ydzb.xlsx",
        _xlsx_plain(rows),
    )
    text = "\n".join("\t".join(str(c) for c in r) for r in rows)
    adder.add(
        monthly,
        DataReleasePage,
        "图说数据：2026年1—9月全市用电量和港口吞吐量",
        days_ago=3,
        period_type="月度",
        data_file=data_file,
        data_text=text,
        data=_parsed(text),
        chart_type="line",
        source="钦州市统计局",
        unit=_unit(home, "市统计局"),
        body=_body("月度数据由市统计局按月更新（演示数据）。"),
    )


def _xlsx_plain(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _parsed(text: str) -> dict:
    from .data_tables import parse_rows, rows_from_text

    return parse_rows(rows_from_text(text)).to_dict()


def _press(home, adder, policies):
    column = _column(home, "解读回应", "新闻发布会")
    hall = _image("新闻发布会现场", lambda: _picture(960, 640, ("#90caf9", "#e3f2fd"), "hall"))
    adder.add(
        column,
        PressConferencePage,
        "钦州市优化营商环境若干措施新闻发布会",
        days_ago=11,
        kind="新闻发布会",
        held_at=timezone.now() - timedelta(days=11, hours=2),
        place="市人民政府新闻发布厅",
        participants="主持人：市人民政府新闻办公室副主任 王某（演示）\n发布人：市发展改革委主任 李某（演示）\n发布人：市行政审批局局长 赵某（演示）",
        policy=policies.get("business"),
        photos=[("photo", {"image": hall.pk, "caption": "发布会现场"})],
        transcript=_body(
            "主持人：各位记者朋友，大家上午好！欢迎出席今天的新闻发布会。",
            "李某：为深入贯彻落实优化营商环境的决策部署，市人民政府出台了若干措施，共20条……",
            "记者：企业开办1个工作日办结如何保障？赵某：我们推行全程网办，实行“一表填报、并联审批”……",
        ),
    )
    interview = _column(home, "互动交流", "在线访谈")
    adder.add(
        interview,
        PressConferencePage,
        "在线访谈：义务教育招生入学政策问答",
        days_ago=50,
        kind="在线访谈",
        held_at=timezone.now() - timedelta(days=50),
        place="市人民政府门户网站访谈室",
        participants="嘉宾：市教育局副局长 孙某（演示）",
        policy=policies.get("school"),
        transcript=_body("网友：孩子户籍不在本市，可以在钦州上学吗？孙某：符合条件的随迁子女可以申请……"),
    )


def _topics(home, adder):
    column = _column(home, "专题专栏", "稳就业保就业")
    banner = _image("稳就业保就业专题横幅", lambda: _picture(1200, 300, ("#c62828", "#ff8a65"), "banner"))
    topic = adder.add(
        column,
        SpecialTopicPage,
        "稳就业保就业专题",
        days_ago=45,
        banner=banner,
        accent="red",
        intro="围绕2026年政府工作报告的就业目标，集中发布政策依据、工作进展、招聘信息和办事服务。",
        sections=[
            (
                "items",
                {"heading": "部门动态", "source": _column(home, "动态信息", "部门动态").pk, "count": 5},
            ),
            (
                "text",
                {
                    "heading": "工作目标",
                    "body": _body("全年城镇新增就业2.5万人，城镇调查失业率控制在5.5%以内（演示数据）。"),
                },
            ),
            (
                "links",
                {
                    "heading": "服务入口",
                    "links": [
                        {"title": "城乡居民养老保险参保", "url": "/"},
                        {"title": "广西数字政务一体化平台", "url": "https://zwfw.gxzf.gov.cn/"},
                    ],
                },
            ),
        ],
    )
    if topic is not None:
        adder.add(
            topic,
            ArticlePage,
            "我市举办“春风行动”专场招聘会",
            days_ago=40,
            source="市人力资源社会保障局",
            body=_body("本次招聘会共有86家企业参会，提供就业岗位2100余个，现场达成就业意向560人。"),
        )
    law = _column(home, "专题专栏", "法治钦州")
    adder.add(
        law,
        SpecialTopicPage,
        "法治政府建设专题",
        days_ago=90,
        banner=_image("法治政府建设专题横幅", lambda: _picture(1200, 300, ("#0b4f8a", "#64b5f6"), "banner")),
        accent="blue",
        intro="发布法治政府建设年度报告、行政执法公示和普法信息。",
        sections=[
            (
                "items",
                {
                    "heading": "政策文件",
                    "source": _column(home, "政府信息公开", "行政规范性文件").pk,
                    "count": 5,
                },
            ),
        ],
    )


def _repost(home, adder):
    column = _column(home, "动态信息", "国务院头条")
    adder.add(
        column,
        RepostPage,
        "国务院常务会议部署进一步做好稳就业工作",
        days_ago=2,
        source="中国政府网",
        original_url="https://www.gov.cn/",
        original_date=date.today() - timedelta(days=2),
        body=_body("会议指出，就业是最基本的民生，要强化就业优先政策（摘要，全文见原文链接）。"),
    )


def _subsites(home, adder):
    for subsite in SubsiteHomePage.objects.descendant_of(home):
        from .models import ColumnPage

        news = ColumnPage.objects.child_of(subsite).filter(title="工作动态").first()
        adder.add(
            news,
            ArticlePage,
            f"{subsite.title}召开2026年第四季度工作推进会",
            days_ago=4,
            source=subsite.title,
            unit=subsite.unit,
            body=_body("会议总结了前三季度工作，部署第四季度重点任务。"),
        )
        docs = ColumnPage.objects.child_of(subsite).filter(title="政策文件").first()
        adder.add(
            docs,
            PolicyDocumentPage,
            f"{subsite.title}关于做好2027年元旦春节期间值班工作的通知",
            days_ago=6,
            document_number="",
            issuing_organ=subsite.title,
            genre=Genre.NOTICE,
            topic="综合政务",
            unit=subsite.unit,
            body=_body("各科室、各直属单位：为做好节日期间值班工作，现将有关事项通知如下。"),
        )
