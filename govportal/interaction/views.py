"""Public pages: the mailbox (published letters and statistics), writing a letter, following it, FAQs,
error reports (纠错) and disclosure requests (依申请公开)."""

from __future__ import annotations

import re
from datetime import date

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Site

from govportal import ratelimits
from govportal.ratelimits import client_ip

from . import disclosure as disclosure_flow
from . import error_reports
from .disclosure import OUTCOME_LABELS
from .faq import faqs_for
from .faq import search as faq_search
from .forms import CorrectionForm, DisclosureForm, ErrorReportForm, LetterForm, QueryForm, RateForm
from .models import DisclosureRequest, ErrorReport, Faq, Letter, LetterState, Publication
from .routing import routable_units
from .rules import disclosure_rules, error_report_rules, letter_rules
from .spam import (
    TokenError,
    captcha_png,
    duplicate_of,
    flood_verdict,
    issue_token,
    note_submission,
    question_for,
    read_token,
)
from .stats import charts_for, error_report_stats, public_letter_stats
from .text import contact_key, fingerprint
from .workflow import WorkflowError, find_letter, rate, submit_letter

GRANT_SALT = "govportal.interaction.grant"
GRANT_MAX_AGE = 30 * 60
PER_PAGE = 15
_URL = re.compile(r"https?://|www\.", re.I)


def site_locality(request) -> tuple[Site, object, str]:
    site = Site.find_for_request(request)
    home = site.root_page.specific if site else None
    locality = getattr(home, "locality", "") if home else ""
    if not locality:
        raise Http404("本网站尚未加载地区配置。")
    return site, home, locality


def site_hostnames(site) -> list[str]:
    """The host names pages of this site are served on: its Wagtail site records and ALLOWED_HOSTS
    (a leading dot allows sub-domains; "*" allows nothing here)."""
    from django.conf import settings

    names = [site.hostname] if site else []
    names += list(Site.objects.exclude(hostname="").values_list("hostname", flat=True))
    names += [h for h in settings.ALLOWED_HOSTS if h and "*" not in h]
    return list(dict.fromkeys(n.lower() for n in names))


def _ctx(request, **extra) -> dict:
    site, home, locality = site_locality(request)
    rules = letter_rules(locality)
    extra.setdefault("mailbox_name", rules.mailbox_name)
    extra.setdefault("locality", locality)
    extra.setdefault("home", home)
    return extra


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


def _captcha_ctx(form) -> dict:
    """The CAPTCHA of the form's token (a fresh token if the form has none that is valid); shown only
    when the form asks for it (the address is near a rate limit)."""
    token = (form.data.get("token") if form.is_bound else form.initial.get("token")) or ""
    try:
        nonce = read_token(token)
    except TokenError:
        if form.is_bound:
            _renew_token(form)
        else:
            form.initial["token"] = issue_token()
        token = form.data["token"] if form.is_bound else form.initial["token"]
        nonce = read_token(token)
    return {
        "captcha_token": token,
        "captcha_words": question_for(nonce).words,
        "captcha_shown": getattr(form, "captcha_required", True),
    }


def _limited(request, name: str) -> str:
    """Count this submission of form ``name`` from the client's address; the refusal (Chinese) when one
    of its limits is passed, else ""."""
    used = ratelimits.usage(request, name, client_ip(request) or "-", increment=True)
    if not used.exceeded:
        return ""
    what = {"letter": "来信", "error_report": "纠错", "disclosure": "政府信息公开申请"}.get(name, "提交")
    return (
        f"同一网络地址提交{what}过于频繁（上限为{ratelimits.describe(used.rate)}），暂停受理，以防恶意刷屏。"
        "您填写的内容已保留在下方，请稍后再提交" + ("，或拨打 12345 热线反映。" if name == "letter" else "。")
    )


def _captcha_needed(request, name: str) -> bool:
    return ratelimits.captcha_required(request, name, client_ip(request) or "-")


def _renew_token(form) -> None:
    """After an expired or forged token: give the form a fresh token (and CAPTCHA), keep the rest."""
    data = form.data.copy()
    data["token"] = issue_token()
    data["captcha"] = ""
    form.data = data
    form._bound_fields_cache.clear()


# --- the mailbox ------------------------------------------------------------------------------------------


@require_GET
def mailbox(request):
    site, home, locality = site_locality(request)
    rules = letter_rules(locality)
    letters = Letter.objects.filter(locality=locality, publication=Publication.PUBLISHED).select_related(
        "reply_unit"
    )
    type_code = request.GET.get("type", "")
    if type_code in dict(rules.type_choices):
        letters = letters.filter(type=type_code)
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        letters = letters.filter(Q(public_subject__icontains=q) | Q(public_content__icontains=q))
    page_obj = Paginator(letters.order_by("-published_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    stats = public_letter_stats(locality)
    return render(
        request,
        "interaction/mailbox.html",
        _ctx(
            request,
            page_obj=page_obj,
            types=rules.type_choices,
            type_code=type_code,
            q=q,
            stats=stats,
            charts=charts_for(stats),
            rules=rules,
            faqs=Faq.objects.filter(locality=locality, is_public=True)[:5],
        ),
    )


def latest_public_letters(locality: str, limit: int = 5) -> list:
    """The newest letters made public in ``locality`` as list rows (title, url, date) for the portal's
    interaction columns (互动交流 → 政务咨询 shows them instead of empty boxes)."""
    from types import SimpleNamespace

    from django.urls import reverse

    rows = (
        Letter.objects.filter(locality=locality, publication=Publication.PUBLISHED)
        .order_by("-published_at", "-id")
        .values_list("pk", "public_subject", "published_at")[:limit]
    )
    return [
        SimpleNamespace(title=title, url=reverse("interaction:letter", args=[pk]), date=day, validity="")
        for pk, title, day in rows
    ]


def published_letters_matching(locality: str, groups: list[list[list[str]]], limit: int = 5):
    """Site search's part of the mailbox: the letters made public in ``locality`` whose public title,
    text or reply (personal data already removed, Art. 21 of the profile) hold every query word group
    (``search.analysis.Query.groups()``: any alternative of a group, every token of an alternative).
    Nothing else of a letter (the writer's name and contact, the unpublished text) is ever searched."""
    if not groups:
        return Letter.objects.none(), 0
    letters = Letter.objects.filter(locality=locality, publication=Publication.PUBLISHED)
    for alts in groups:
        any_alt = Q()
        for alt in alts:
            every = Q()
            for token in alt:
                every &= (
                    Q(public_subject__icontains=token)
                    | Q(public_content__icontains=token)
                    | Q(public_reply__icontains=token)
                )
            any_alt |= every
        letters = letters.filter(any_alt)
    letters = letters.select_related("reply_unit").order_by("-published_at", "-id")
    return letters[:limit], letters.count()


@require_GET
def letter_public(request, pk: int):
    site, home, locality = site_locality(request)
    letter = get_object_or_404(
        Letter.objects.select_related("reply_unit"),
        pk=pk,
        locality=locality,
        publication=Publication.PUBLISHED,
    )
    return render(request, "interaction/letter_public.html", _ctx(request, letter=letter))


@require_GET
def statistics(request):
    site, home, locality = site_locality(request)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    stats = public_letter_stats(locality, year)
    return render(
        request,
        "interaction/statistics.html",
        _ctx(
            request,
            stats=stats,
            charts=charts_for(stats),
            year=year,
            years=list(range(this_year, this_year - 5, -1)),
            errors=error_report_stats(locality, year),
        ),
    )


# --- writing a letter -----------------------------------------------------------------------------------


def _letter_form(request, rules, locality, data=None, files=None, initial=None):
    return LetterForm(
        data,
        files,
        initial=initial,
        rules=rules,
        units=routable_units(locality),
        captcha_required=_captcha_needed(request, "letter"),
    )


@never_cache
def write(request):
    site, home, locality = site_locality(request)
    rules = letter_rules(locality)
    status = 200
    refusal = ""
    if request.method == "POST":
        form = _letter_form(request, rules, locality, request.POST, request.FILES)
        refusal = _limited(request, "letter")
        if refusal:
            form.is_valid()  # show what is wrong with the rest, keep everything typed
        elif form.is_valid():
            data = form.cleaned_data
            ip = client_ip(request)
            already = Letter.objects.filter(submit_token=form.nonce).exists()
            ck = contact_key(data["writer_contact"])
            holds: list[str] = []
            if not already:
                verdict = flood_verdict(Letter, rules, ip, ck)
                refusal = verdict.refuse
                holds += verdict.hold
            if not refusal:
                if form.honeypot_filled:
                    holds.append("疑似自动程序提交（隐藏字段被填写）")
                if not already:
                    text = f"{data['subject']}\n{data['content']}"
                    dup, score = duplicate_of(Letter, locality, fingerprint(text), ck, text, rules)
                    if dup:
                        holds.append(
                            f"与信件 {dup.query_code} "
                            + ("内容相同" if score >= 1 else f"内容相似（{score:.0%}）")
                            + "，疑似重复"
                        )
                    if len(_URL.findall(data["content"])) >= 3:
                        holds.append("内容含多个网址，疑似广告")
                try:
                    sub = submit_letter(
                        locality=locality,
                        token_nonce=form.nonce,
                        type=data["type"],
                        subject=data["subject"],
                        content=data["content"],
                        writer_name=data["writer_name"],
                        writer_contact=data["writer_contact"],
                        target_unit=data["target_unit"],
                        consent_publish=data["consent_publish"],
                        attachments=data["attachments"],
                        client_ip=ip,
                        hold_reasons=holds,
                    )
                except WorkflowError as exc:
                    refusal = str(exc)
                else:
                    if sub.created:
                        note_submission(ip, ck)
                    return _no_store(
                        render(
                            request,
                            "interaction/submitted.html",
                            _ctx(
                                request,
                                letter=sub.letter,
                                password=sub.password,
                                repeated=not sub.created,
                                rules=rules,
                            ),
                        )
                    )
            status = 429
        else:
            status = 429 if refusal else 400
            if form.token_problem:
                _renew_token(form)
    else:
        initial = {"token": issue_token()}
        if request.GET.get("type") in dict(rules.type_choices):
            initial["type"] = request.GET["type"]
        if request.GET.get("unit", "").isdigit():
            initial["target_unit"] = int(request.GET["unit"])
        form = _letter_form(request, rules, locality, initial=initial)
    ctx = _ctx(request, form=form, rules=rules, refusal=refusal, types=rules.types)
    ctx.update(_captcha_ctx(form))
    return _no_store(render(request, "interaction/write.html", ctx, status=status))


@never_cache
@require_GET
def captcha_image(request, token: str):
    try:
        nonce = read_token(token)
    except TokenError:
        raise Http404("验证码已失效") from None
    return _no_store(HttpResponse(captcha_png(nonce), content_type="image/png"))


@never_cache
@require_GET
def captcha_new(request):
    token = issue_token()
    nonce = read_token(token)
    return _no_store(
        JsonResponse(
            {
                "token": token,
                "image": reverse("interaction:captcha", args=[token]),
                "words": question_for(nonce).words,
            }
        )
    )


# --- following a letter -------------------------------------------------------------------------------------


def _too_many_failures(request, scope: str) -> bool:
    """Wrong code/password tries from this address, counted in the shared rate-limit cache (every worker
    process sees the same count)."""
    key = f"{scope}:{client_ip(request)}"
    return ratelimits.usage(request, "query_failure", key).exceeded


def _note_failure(request, scope: str) -> None:
    ratelimits.usage(request, "query_failure", f"{scope}:{client_ip(request)}", increment=True)


def _grant(pk: int, kind: str) -> str:
    return signing.dumps({"k": kind, "pk": pk}, salt=GRANT_SALT)


def _read_grant(value: str, kind: str) -> int | None:
    try:
        data = signing.loads(value or "", salt=GRANT_SALT, max_age=GRANT_MAX_AGE)
    except signing.BadSignature:
        return None
    return data["pk"] if data.get("k") == kind else None


def _letter_view(request, letter: Letter, **extra):
    primary = letter.duplicate_of if letter.state == LetterState.MERGED and letter.duplicate_of_id else None
    events = letter.events.filter(public=True)
    rate_form = extra.pop("rate_form", None) or RateForm(initial={"grant": _grant(letter.pk, "letter")})
    return _no_store(
        render(
            request,
            "interaction/query_result.html",
            _ctx(
                request,
                letter=letter,
                primary=primary,
                events=events,
                rate_form=rate_form,
                can_rate=letter.state == LetterState.CONCLUDED
                and bool(letter.reply_text)
                and not letter.rating,
                **extra,
            ),
        )
    )


@never_cache
def query(request):
    site, home, locality = site_locality(request)
    problem = ""
    if request.method == "POST" and "grant" in request.POST:
        pk = _read_grant(request.POST.get("grant"), "letter")
        if pk is None:
            problem = "查询已超过30分钟，请重新输入查询码和密码。"
            form = QueryForm()
        else:
            letter = get_object_or_404(Letter, pk=pk, locality=locality)
            rate_form = RateForm(request.POST)
            if rate_form.is_valid():
                try:
                    rate(letter, rate_form.cleaned_data["rating"], rate_form.cleaned_data["comment"])
                except WorkflowError as exc:
                    return _letter_view(request, letter, message=str(exc))
                return _letter_view(request, letter, message="感谢您的评价。")
            return _letter_view(request, letter, rate_form=rate_form)
    elif request.method == "POST":
        form = QueryForm(request.POST)
        if _too_many_failures(request, "letter"):
            problem = "查询失败次数过多，为保护来信人信息，请15分钟后再试。"
        elif form.is_valid():
            letter = find_letter(form.cleaned_data["code"], form.cleaned_data["password"])
            if letter and letter.locality == locality:
                return _letter_view(request, letter)
            _note_failure(request, "letter")
            problem = "查询码或密码不正确。请核对提交信件时显示的查询码和密码（字母不区分大小写）。"
    else:
        form = QueryForm(initial={"code": request.GET.get("code", "")})
    return _no_store(
        render(
            request,
            "interaction/query.html",
            _ctx(request, form=form, problem=problem),
            status=400 if problem else 200,
        )
    )


# --- FAQ ------------------------------------------------------------------------------------------------------


@require_GET
def faq_list(request):
    site, home, locality = site_locality(request)
    q = (request.GET.get("q") or "").strip()[:100]
    return render(
        request, "interaction/faq_list.html", _ctx(request, faqs=faq_search(q, locality=locality), q=q)
    )


@require_GET
def faq_suggest(request):
    site, home, locality = site_locality(request)
    q = (request.GET.get("q") or "").strip()[:300]
    items = faqs_for(q, 5, locality=locality) if len(q) >= 4 else []
    return JsonResponse(
        {
            "results": [
                {
                    "question": f.question,
                    "answer": f.answer[:160] + ("…" if len(f.answer) > 160 else ""),
                    "url": reverse("interaction:faq_detail", args=[f.pk]),
                }
                for f in items
            ]
        }
    )


@require_GET
def faq_detail(request, pk: int):
    site, home, locality = site_locality(request)
    faq = get_object_or_404(Faq.objects.select_related("unit"), pk=pk, locality=locality, is_public=True)
    return render(request, "interaction/faq_detail.html", _ctx(request, faq=faq))


# --- error reports (纠错) --------------------------------------------------------------------------------------


@never_cache
def error_report(request):
    site, home, locality = site_locality(request)
    rules = error_report_rules(locality)
    status = 200
    if request.method == "POST":
        form = ErrorReportForm(
            request.POST,
            hosts=site_hostnames(site),
            captcha_required=_captcha_needed(request, "error_report"),
        )
        refusal = _limited(request, "error_report")
        if refusal:
            form.is_valid()
            form.add_error(None, refusal)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                report, created = error_reports.submit(
                    locality=locality,
                    token_nonce=form.nonce,
                    page_url=data["page_url"],
                    kind=data["kind"],
                    description=data["description"],
                    name=data["name"],
                    contact=data["contact"],
                    client_ip=client_ip(request),
                    site=site,
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                return _no_store(
                    render(
                        request, "interaction/error_submitted.html", _ctx(request, report=report, rules=rules)
                    )
                )
        status = 429 if refusal else 400
        if form.token_problem:
            _renew_token(form)
    else:
        url = request.GET.get("url") or request.META.get("HTTP_REFERER", "")
        form = ErrorReportForm(
            initial={"token": issue_token(), "page_url": url[:500]},
            captcha_required=_captcha_needed(request, "error_report"),
        )
    page = error_reports.page_for_url(form["page_url"].value() or "", site)
    ctx = _ctx(request, form=form, rules=rules, target_page=page)
    ctx.update(_captcha_ctx(form))
    return _no_store(render(request, "interaction/error_form.html", ctx, status=status))


@never_cache
def error_query(request):
    site, home, locality = site_locality(request)
    code = (request.GET.get("code") or "").strip().upper()
    report = (
        ErrorReport.objects.filter(code=code, locality=locality).select_related("unit").first()
        if code
        else None
    )
    problem = "没有找到这个查询码的纠错记录，请核对。" if code and report is None else ""
    return _no_store(
        render(
            request, "interaction/error_query.html", _ctx(request, report=report, code=code, problem=problem)
        )
    )


# --- disclosure requests (依申请公开) ---------------------------------------------------------------------------


def _disclosure_units(locality: str):
    return routable_units(locality)


@never_cache
def disclosure_apply(request):
    site, home, locality = site_locality(request)
    rules = disclosure_rules(locality)
    units = _disclosure_units(locality)
    status = 200
    if request.method == "POST":
        form = DisclosureForm(
            request.POST, units=units, captcha_required=_captcha_needed(request, "disclosure")
        )
        refusal = _limited(request, "disclosure")
        if refusal:
            form.is_valid()
            form.add_error(None, refusal)
        elif form.is_valid():
            data = dict(form.cleaned_data)
            for key in ("token", "captcha", "website"):
                data.pop(key, None)
            try:
                req, password, created = disclosure_flow.submit(
                    locality=locality, token_nonce=form.nonce, client_ip=client_ip(request), **data
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                return _no_store(
                    render(
                        request,
                        "interaction/disclosure_submitted.html",
                        _ctx(request, req=req, password=password, rules=rules, repeated=not created),
                    )
                )
        status = 429 if refusal else 400
        if form.token_problem:
            _renew_token(form)
    else:
        host = units.filter(kind="host_office").first()
        form = DisclosureForm(
            initial={"token": issue_token(), "unit": host.pk if host else None},
            units=units,
            captcha_required=_captcha_needed(request, "disclosure"),
        )
    ctx = _ctx(request, form=form, rules=rules)
    ctx.update(_captcha_ctx(form))
    return _no_store(render(request, "interaction/disclosure_form.html", ctx, status=status))


def _disclosure_view(request, req: DisclosureRequest, **extra):

    correction_form = extra.pop("correction_form", None) or CorrectionForm(
        initial={"grant": _grant(req.pk, "disclosure")}
    )
    return _no_store(
        render(
            request,
            "interaction/disclosure_result.html",
            _ctx(
                request,
                req=req,
                events=req.events.filter(public=True),
                outcome_label=OUTCOME_LABELS.get(req.outcome, ""),
                correction_form=correction_form,
                **extra,
            ),
        )
    )


@never_cache
def disclosure_query(request):
    site, home, locality = site_locality(request)
    problem = ""
    form = QueryForm(initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and "grant" in request.POST:
        pk = _read_grant(request.POST.get("grant"), "disclosure")
        if pk is None:
            problem = "查询已超过30分钟，请重新输入查询码和密码。"
        else:
            req = get_object_or_404(DisclosureRequest, pk=pk, locality=locality)
            cform = CorrectionForm(request.POST)
            if cform.is_valid():
                try:
                    disclosure_flow.submit_correction(req, cform.cleaned_data["text"])
                except WorkflowError as exc:
                    return _disclosure_view(request, req, message=str(exc), correction_form=cform)
                return _disclosure_view(request, req, message="补正内容已提交，答复期限自今日起重新计算。")
            return _disclosure_view(request, req, correction_form=cform)
    elif request.method == "POST":
        form = QueryForm(request.POST)
        if _too_many_failures(request, "disclosure"):
            problem = "查询失败次数过多，为保护申请人信息，请15分钟后再试。"
        elif form.is_valid():
            req = disclosure_flow.find(form.cleaned_data["code"], form.cleaned_data["password"])
            if req and req.locality == locality:
                return _disclosure_view(request, req)
            _note_failure(request, "disclosure")
            problem = "查询码或密码不正确。"
    return _no_store(
        render(
            request,
            "interaction/disclosure_query.html",
            _ctx(request, form=form, problem=problem),
            status=400 if problem else 200,
        )
    )


def today() -> date:
    return timezone.localdate()
