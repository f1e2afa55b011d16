"""The knowledge base (常见问题): search and suggestions.

``faqs_for(text_or_topic, limit)`` is the public function other apps call (service-guide pages show the
FAQs of their topic; the letter form suggests FAQs while the citizen types).
"""

from __future__ import annotations

from django.db.models import Q

from .models import Faq, Letter
from .text import keywords_for, mask_personal_data, tokens

MAX_CANDIDATES = 300


def _query_words(text: str) -> list[str]:
    words = list(dict.fromkeys(keywords_for(text, 8) + tokens(text)))
    return words[:12]


def faqs_for(text_or_topic: str, limit: int = 5, *, locality: str | None = None) -> list[Faq]:
    """Public FAQs that best match a topic (e.g. a service guide's subject) or a free text, best first."""
    text = (text_or_topic or "").strip()
    if not text:
        return []
    qs = Faq.objects.filter(is_public=True)
    if locality:
        qs = qs.filter(locality=locality)
    words = _query_words(text)
    cond = Q(topic=text) | Q(question__icontains=text[:60])
    for w in words:
        cond |= Q(keywords__contains=w)
    candidates = list(qs.filter(cond).select_related("unit")[:MAX_CANDIDATES])
    scored = []
    for faq in candidates:
        score = 0.0
        if faq.topic and faq.topic == text:
            score += 10
        if text[:60] in faq.question:
            score += 6
        kw = set(faq.keywords.split())
        for w in words:
            if w in faq.question:
                score += 2
            elif w in kw:
                score += 1
        if score > 0:
            scored.append((score, faq.updated_at, faq))
    scored.sort(key=lambda t: (-t[0], -t[1].timestamp()))
    return [f for _, _, f in scored[:limit]]


def search(query: str, *, locality: str | None = None, limit: int = 50) -> list[Faq]:
    if not (query or "").strip():
        qs = Faq.objects.filter(is_public=True)
        if locality:
            qs = qs.filter(locality=locality)
        return list(qs.select_related("unit")[:limit])
    return faqs_for(query, limit, locality=locality)


def faq_from_letter(letter: Letter) -> Faq:
    """An unsaved FAQ drafted from a concluded letter (personal data masked), for the centre to edit."""
    names, extra = (letter.writer_name,), (letter.writer_contact,)
    return Faq(
        locality=letter.locality,
        question=mask_personal_data(letter.public_subject or letter.subject, names=names, extra=extra)[:200],
        answer=mask_personal_data(letter.public_reply or letter.reply_text, names=names, extra=extra),
        unit=letter.reply_unit,
        source_letter=letter,
    )


def page_locality(page) -> str:
    """The locality of the site a page belongs to ("" when its site has loaded no profile)."""
    site = page.get_site()
    root = site.root_page.specific if site else None
    return getattr(root, "locality", "") or ""


def service_guide_faqs(page, limit: int = 5) -> list[dict]:
    """FAQs shown beside a service guide (the portal's ``portal_service_guide_faqs`` hook): the public FAQs
    of the guide's locality that match its title, then those of its theme (e.g. 教育)."""
    from django.urls import reverse

    locality = page_locality(page)
    if not locality:
        return []
    found = faqs_for(page.title, limit, locality=locality)
    theme = getattr(page, "theme", "") or ""
    if theme and len(found) < limit:
        seen = {f.pk for f in found}
        found += [f for f in faqs_for(theme, limit, locality=locality) if f.pk not in seen][
            : limit - len(found)
        ]
    return [
        {
            "question": f.question,
            "answer": f.answer,
            "url": reverse("interaction:faq_detail", args=[f.pk]),
        }
        for f in found
    ]
