"""The public's side of commitments under 《互联网跟帖评论服务管理规定》 (2022-12-15):

- **后台实名、前台自愿**: a comment needs a verified identity — a phone confirmed by a one-time code
  (:func:`request_code` / :func:`verify_code`) or a token the office handed out
  (:func:`citizen_for_token`) — and is shown under the nickname the citizen chose, never the phone;
- **先审后发**: a comment waits for the office's review (:func:`moderate`) before anyone sees it;
- rate limits per identity (comments a day) and per network address (comments an hour, codes an
  hour), counted from the stored rows, so they hold across processes;
- **auto-hide** after the campaign's number of reports from distinct identities or addresses
  (:func:`report_comment`); the office is told and may restore it;
- the unit answers (:func:`answer`) within the campaign's working-day limit (:func:`reply_clock`);
- **评诺** votes 满意/基本满意/不满意, one per identity and item while the evaluation is open (:func:`vote`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.commitments.cache import bump_public_cache
from kaohe.commitments.models import (
    Citizen,
    Comment,
    CommentReport,
    CommentStatus,
    Commitment,
    CommitmentStatus,
    PhoneCode,
    Vote,
    VoteChoice,
    phone_digest,
)
from kaohe.commitments.services import CommitmentError, evaluation_open
from kaohe.lib.deadlines import Clock, ClockEvent, EventKind, TimeLimit
from kaohe.lib.numbers import round_half_up
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, people, source_language
from kaohe.orgs.deadlines import clock_for
from kaohe.orgs.models import Role

log = logging.getLogger(__name__)

PHONE = re.compile(r"^1[3-9]\d{9}$")
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODE_GAP_SECONDS = 60  # one code a minute per phone
CODES_PER_PHONE_PER_DAY = 5
CODES_PER_ADDRESS_PER_HOUR = 10
COMMENT_GAP_SECONDS = 30  # between two comments of one identity
MAX_BODY = 500


class RateLimited(CommitmentError):
    """Too many requests from one identity or address; the message says when to try again."""


# ---- SMS -------------------------------------------------------------------------------------

#: What the console backend "sent" (tests and the demo read it; production configures a gateway).
outbox: list[tuple[str, str]] = []


def send_sms(phone: str, text: str) -> None:
    """The deployment's SMS gateway (``KAOHE_SMS_BACKEND``, a dotted path to ``send(phone, text)``);
    by default the console: the message is logged and kept in :data:`outbox`."""
    path = settings.KAOHE_SMS_BACKEND
    if path:
        from django.utils.module_loading import import_string

        import_string(path)(phone, text)
        return
    outbox.append((phone, text))
    del outbox[:-100]
    log.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)


def _hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:code:{code}".encode()).hexdigest()


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not PHONE.match(digits):
        raise CommitmentError(_("请输入11位手机号码"))
    return digits


def request_code(phone: str, *, ip: str | None = None, now: dt.datetime | None = None) -> str:
    """Send a one-time code to ``phone`` (rate-limited per phone and per address); returns it."""
    phone = normalise_phone(phone)
    now = now or timezone.now()
    key = phone_digest(phone)
    recent = PhoneCode.objects.filter(phone_key=key)
    if recent.filter(created_at__gt=now - dt.timedelta(seconds=CODE_GAP_SECONDS)).exists():
        raise RateLimited(_("验证码已发送，请%(n)d秒后再试") % {"n": CODE_GAP_SECONDS})
    if recent.filter(created_at__gt=now - dt.timedelta(days=1)).count() >= CODES_PER_PHONE_PER_DAY:
        raise RateLimited(_("该手机号今日获取验证码次数已达上限，请明日再试"))
    if ip and PhoneCode.objects.filter(ip=ip, created_at__gt=now - dt.timedelta(hours=1)).count() >= CODES_PER_ADDRESS_PER_HOUR:
        raise RateLimited(_("当前网络获取验证码过于频繁，请一小时后再试"))
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneCode.objects.create(phone_key=key, code_hash=_hash(code), ip=ip, created_at=now,
                             expires_at=now + dt.timedelta(minutes=CODE_MINUTES))
    send_sms(phone, _("【考核平台】您的验证码为%(c)s，%(m)d分钟内有效。") % {"c": code, "m": CODE_MINUTES})
    return code


def verify_code(phone: str, code: str, *, now: dt.datetime | None = None) -> Citizen:
    """The identity behind ``phone`` once ``code`` matches its latest unused, unexpired code.
    A wrong guess is counted (and kept: the refusal does not roll it back)."""
    phone = normalise_phone(phone)
    now = now or timezone.now()
    key = phone_digest(phone)
    with transaction.atomic():
        sent = (PhoneCode.objects.select_for_update().filter(phone_key=key, used_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at").first())
        if sent is None:
            refusal: CommitmentError | None = CommitmentError(_("验证码已失效，请重新获取"))
        elif sent.attempts >= CODE_ATTEMPTS:
            refusal = RateLimited(_("验证码错误次数过多，请重新获取"))
        elif not secrets.compare_digest(sent.code_hash, _hash((code or "").strip())):
            sent.attempts += 1
            sent.save(update_fields=["attempts"])
            refusal = CommitmentError(_("验证码不正确"))
        else:
            refusal = None
            sent.used_at = now
            sent.save(update_fields=["used_at"])
            citizen, _created = Citizen.objects.get_or_create(phone_key=key, defaults={"phone": phone, "verified_at": now})
            if citizen.verified_at is None:
                citizen.verified_at = now
                citizen.save(update_fields=["verified_at"])
    if refusal is not None:
        raise refusal
    return citizen


def citizen_for_token(token: str) -> Citizen:
    citizen = Citizen.objects.filter(token_hash=Citizen.hash_token((token or "").strip())).first()
    if citizen is None:
        raise CommitmentError(_("令牌无效"))
    if citizen.verified_at is None:
        citizen.verified_at = timezone.now()
        citizen.save(update_fields=["verified_at"])
    return citizen


# ---- comments --------------------------------------------------------------------------------


def _check_commentable(item: Commitment, citizen: Citizen) -> None:
    if item.status not in (CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED, CommitmentStatus.NOT_FULFILLED):
        raise CommitmentError(_("该事项未公示"))
    if citizen.verified_at is None:
        raise CommitmentError(_("请先完成实名验证"))
    if citizen.blocked:
        raise CommitmentError(_("该身份已被禁止留言"))


def default_nickname(citizen: Citizen) -> str:
    return _("网友%(n)04d") % {"n": citizen.pk % 10000}


@transaction.atomic
def post_comment(item: Commitment, citizen: Citizen, body: str, *, nickname: str = "", rating: int | None = None,
                 ip: str | None = None, now: dt.datetime | None = None) -> Comment:
    """留言 (and an optional rating 1–5): stored as 待审核; the office is told."""
    _check_commentable(item, citizen)
    body = (body or "").strip()
    if not body:
        raise CommitmentError(_("留言内容不能为空"))
    if len(body) > MAX_BODY:
        raise CommitmentError(_("留言不超过%(n)d字") % {"n": MAX_BODY})
    if rating is not None and not 1 <= int(rating) <= 5:
        raise CommitmentError(_("评分应为1–5星"))
    now = now or timezone.now()
    Citizen.objects.select_for_update().filter(pk=citizen.pk).first()  # one identity's comments one at a time
    campaign = item.campaign
    mine = Comment.objects.filter(citizen=citizen)
    if mine.filter(created_at__gt=now - dt.timedelta(seconds=COMMENT_GAP_SECONDS)).exists():
        raise RateLimited(_("留言过于频繁，请%(n)d秒后再试") % {"n": COMMENT_GAP_SECONDS})
    if mine.filter(created_at__gt=now - dt.timedelta(days=1)).count() >= campaign.comments_per_day:
        raise RateLimited(_("每个身份每日最多留言%(n)d条，请明日再试") % {"n": campaign.comments_per_day})
    if ip and Comment.objects.filter(ip=ip, created_at__gt=now - dt.timedelta(hours=1)).count() >= campaign.comments_per_hour_per_address:
        raise RateLimited(_("当前网络留言过于频繁，请一小时后再试"))
    nickname = (nickname or "").strip()[:30] or default_nickname(citizen)
    comment = Comment.objects.create(commitment=item, citizen=citizen, nickname=nickname, body=body,
                                     rating=int(rating) if rating else None, ip=ip, created_at=now)
    with source_language():
        notify(people(campaign.owner_unit, Role.OFFICE), NotificationKind.COMMITMENT,
               _("新留言待审核：%(t)s") % {"t": item.title}, body[:100], _moderation_link(), item)
    return comment


def _moderation_link() -> str:
    from django.urls import reverse

    return reverse("commitments:moderation")


@transaction.atomic
def moderate(comment: Comment, *, approve: bool, note: str = "", user=None, now: dt.datetime | None = None) -> Comment:
    """审核: publish the comment (the unit is told, the reply clock starts) or refuse it with a note.
    A hidden comment may be restored (approve) after review."""
    if comment.status not in (CommentStatus.PENDING, CommentStatus.HIDDEN):
        raise CommitmentError(_("该留言已审核"))
    if not approve and not note.strip():
        raise CommitmentError(_("不予发布须说明理由"))
    before = {"status": comment.status}
    restoring = comment.status == CommentStatus.HIDDEN
    comment.status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    comment.review_note = note.strip()[:200]
    if not restoring:
        comment.reviewed_at = now or timezone.now()
    comment.reviewed_by = user if getattr(user, "is_authenticated", False) else None
    if restoring and approve:
        comment.report_count = 0
        comment.reports.all().delete()
    comment.save()
    bump_public_cache()
    item = comment.commitment
    record(AuditAction.APPROVE if approve else AuditAction.RETURN, comment, before=before,
           after={"status": comment.status, "review_note": comment.review_note}, parent=item, unit=item.unit, user=user,
           reason=note or _("留言审核"))
    if approve and not restoring:
        with source_language():
            notify(people(item.unit), NotificationKind.COMMITMENT, _("群众留言待答复：%(t)s") % {"t": item.title},
                   _("请在%(n)d个工作日内答复。") % {"n": item.campaign.reply_workdays} + "\n" + comment.body[:200],
                   _item_link(item), item)
    return comment


def _item_link(item: Commitment) -> str:
    from django.urls import reverse

    return reverse("commitments:item", args=[item.pk])


@transaction.atomic
def report_comment(comment: Comment, *, citizen: Citizen | None = None, ip: str | None = None, reason: str = "") -> Comment:
    """举报: counted once per identity (or, without one, per address); at the campaign's threshold
    the comment is hidden at once and the office told (Decidim's auto-hide)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.APPROVED:
        raise CommitmentError(_("该留言不在公开状态"))
    if citizen is None and not ip:
        raise CommitmentError(_("无法识别举报人"))
    same = CommentReport.objects.filter(comment=comment)
    if (citizen is not None and same.filter(citizen=citizen).exists()) or (citizen is None and same.filter(citizen__isnull=True, ip=ip).exists()):
        raise CommitmentError(_("您已举报过该留言"))
    CommentReport.objects.create(comment=comment, citizen=citizen, ip=ip, reason=reason.strip()[:200])
    comment.report_count = same.count()
    threshold = comment.commitment.campaign.hide_after_reports
    if comment.report_count >= threshold:
        comment.status = CommentStatus.HIDDEN
        item = comment.commitment
        record(AuditAction.UPDATE, comment, before={"status": CommentStatus.APPROVED}, after={"status": CommentStatus.HIDDEN,
               "reports": comment.report_count}, parent=item, unit=item.unit, reason=_("被举报%(n)d次，自动隐藏") % {"n": comment.report_count})
        with source_language():
            notify(people(item.campaign.owner_unit, Role.OFFICE), NotificationKind.COMMITMENT,
                   _("留言被举报%(n)d次已自动隐藏") % {"n": comment.report_count}, comment.body[:100], _moderation_link(), item)
    comment.save(update_fields=["report_count", "status"])
    bump_public_cache()
    return comment


@transaction.atomic
def answer(comment: Comment, text: str, *, user=None, now: dt.datetime | None = None) -> Comment:
    """答复 by the unit (or the office) to a published comment; shown under it on the public page."""
    if comment.status != CommentStatus.APPROVED:
        raise CommitmentError(_("只能答复已发布的留言"))
    text = (text or "").strip()
    if not text:
        raise CommitmentError(_("答复内容不能为空"))
    before = {"answer": comment.answer, "answered_at": comment.answered_at}
    comment.answer, comment.answered_at = text, now or timezone.now()
    comment.answered_by = user if getattr(user, "is_authenticated", False) else None
    comment.save(update_fields=["answer", "answered_at", "answered_by"])
    bump_public_cache()
    item = comment.commitment
    record(AuditAction.UPDATE, comment, before=before, after={"answer": text, "answered_at": comment.answered_at},
           parent=item, unit=item.unit, user=user, reason=_("答复留言"))
    return comment


def reply_limit(item: Commitment) -> TimeLimit:
    return TimeLimit(item.campaign.reply_workdays, yellow=1)


def reply_clock(comment: Comment, *, now: dt.datetime | None = None, calendar=None) -> Clock | None:
    """The answer's clock: from publication of the comment, N working days (None while unpublished)."""
    if comment.reviewed_at is None or comment.status not in (CommentStatus.APPROVED, CommentStatus.HIDDEN):
        return None
    events = [ClockEvent(EventKind.START, comment.reviewed_at)]
    if comment.answered_at:
        events.append(ClockEvent(EventKind.STOP, max(comment.answered_at, comment.reviewed_at)))
    return clock_for(events, reply_limit(comment.commitment), now=now, calendar=calendar)


# ---- 评诺 -------------------------------------------------------------------------------------


@transaction.atomic
def vote(item: Commitment, citizen: Citizen, choice: str, *, ip: str | None = None, now: dt.datetime | None = None) -> Vote:
    """One 评诺 vote per identity and item, while the campaign's evaluation is open."""
    _check_commentable(item, citizen)
    if choice not in VoteChoice.values:
        raise CommitmentError(_("请选择满意、基本满意或不满意"))
    now = now or timezone.now()
    if not evaluation_open(item.campaign, timezone.localdate(now)):
        raise CommitmentError(_("不在评诺时间内"))
    try:
        with transaction.atomic():
            made = Vote.objects.create(commitment=item, citizen=citizen, choice=choice, ip=ip, created_at=now)
    except IntegrityError:
        raise CommitmentError(_("您已对该事项作出评价")) from None
    bump_public_cache()
    return made


@dataclass(frozen=True)
class Tally:
    satisfied: int
    basic: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied

    @property
    def satisfaction(self) -> Decimal | None:
        """满意率 = (满意 + 基本满意) ÷ 参评票数 × 100, 四舍五入 to 0.1 (None without votes)."""
        if not self.total:
            return None
        return round_half_up(Decimal(self.satisfied + self.basic) * 100 / Decimal(self.total), 1)


def tallies(item_ids) -> dict[int, Tally]:
    from django.db.models import Count, Q

    rows = (Vote.objects.filter(commitment_id__in=list(item_ids)).values("commitment_id")
            .annotate(s=Count("id", filter=Q(choice=VoteChoice.SATISFIED)), b=Count("id", filter=Q(choice=VoteChoice.BASIC)),
                      d=Count("id", filter=Q(choice=VoteChoice.DISSATISFIED))))
    return {r["commitment_id"]: Tally(r["s"], r["b"], r["d"]) for r in rows}


def tally(item: Commitment) -> Tally:
    return tallies([item.pk]).get(item.pk, Tally(0, 0, 0))
