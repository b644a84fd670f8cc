"""The failure policy on its own: each answer Telegram can give, and what the sender does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.outbox import policy
from bot.outbox.policy import Defer, DropChat, GiveUp, Limits, MoveChat, SendAgain, Tries
from bot.outbox.transport import (
    BadEntities,
    ChatMoved,
    DeliveryError,
    RateLimited,
    RecipientGone,
    Rejected,
    Transient,
)

LIMITS = Limits(
    max_attempts=4,
    quick_retries=3,
    max_rate_limited=2,
    retry_base=1.0,
    retry_cap=3.0,
    defer_base=30.0,
    defer_cap=100.0,
)


def test_a_429_pauses_everyone_and_sends_again_until_its_limit_then_defers() -> None:
    error = RateLimited(7)
    assert policy.pause(error) == 7
    first = policy.decide(error, Tries(), LIMITS)
    assert first == SendAgain(Tries(limited=1))
    second = policy.decide(error, Tries(limited=1), LIMITS)
    assert second == SendAgain(Tries(limited=2))
    # Past max_rate_limited in one run: back to the database for as long as Telegram said.
    assert policy.decide(error, Tries(limited=2), LIMITS) == Defer(timedelta(seconds=7))


def test_network_errors_retry_with_doubling_capped_delays_then_back_off_between_runs() -> None:
    error = Transient("502 Bad Gateway")
    assert policy.pause(error) == 0
    delays = []
    tries = Tries()
    while isinstance(action := policy.decide(error, tries, LIMITS), SendAgain):
        delays.append(action.delay)
        tries = action.tries
    assert delays == [1.0, 2.0, 3.0]  # doubling, capped by retry_cap
    assert tries == Tries(quick=3)
    assert action == Defer(timedelta(seconds=30))
    later_runs = [policy.decide(error, Tries(attempts=a, quick=3), LIMITS) for a in (1, 2)]
    assert later_runs == [Defer(timedelta(seconds=60)), Defer(timedelta(seconds=100))]


@pytest.mark.parametrize("error", [Transient("timed out"), RateLimited(5)])
def test_the_last_attempt_fails_for_good_instead_of_deferring(error: DeliveryError) -> None:
    spent = Tries(attempts=LIMITS.max_attempts - 1, quick=3, limited=2)
    assert policy.decide(error, spent, LIMITS) == GiveUp(exhausted=True)


def test_html_telegram_cannot_parse_goes_as_plain_text_once() -> None:
    error = BadEntities("can't parse entities")
    plain = SendAgain(Tries(attempts=2, plain=True))  # sent at once, through the pacers
    assert policy.decide(error, Tries(attempts=2), LIMITS) == plain
    assert policy.decide(error, Tries(plain=True), LIMITS) == GiveUp()


def test_a_gone_chat_is_dropped_and_a_moved_group_followed() -> None:
    assert policy.decide(RecipientGone("bot was blocked"), Tries(), LIMITS) == DropChat()
    assert policy.decide(ChatMoved(-1001234), Tries(), LIMITS) == MoveChat(-1001234)


def test_any_other_refusal_fails_at_once_however_few_the_tries() -> None:
    action = policy.decide(Rejected("message is too long"), Tries(), LIMITS)
    assert action == GiveUp(exhausted=False)
    assert policy.pause(Rejected("x")) == 0
