"""TwiML as the fake reads it: verbs, Twilio's defaults, and what it refuses (0033)."""

from __future__ import annotations

import pytest

from services.fake_twilio import twiml
from services.fake_twilio.twiml import Gather, Hangup, Pause, Play, Redirect, Say, Unsupported


def test_a_menu_reads_as_verbs_with_their_attributes() -> None:
    verbs = twiml.parse(
        """<?xml version="1.0" encoding="UTF-8"?>
        <Response>
          <Gather action="/menu?call=1" method="GET" numDigits="1" timeout="7" input="dtmf speech">
            <Play loop="2"> https://r.example/syl.wav </Play>
            <Say language="bn-IN" voice="Polly.Aditi">১ চাপুন</Say>
            <Pause length="2"/>
          </Gather>
          <Say>Goodbye</Say>
          <Redirect method="GET">/again</Redirect>
          <Hangup/>
        </Response>"""
    )
    assert verbs == (
        Gather(
            action="/menu?call=1",
            method="GET",
            num_digits=1,
            timeout=7,
            input=("dtmf", "speech"),
            prompts=(
                Play("https://r.example/syl.wav", loop=2),
                Say("১ চাপুন", "bn-IN", "Polly.Aditi"),
                Pause(2),
            ),
        ),
        Say("Goodbye"),
        Redirect("/again", "GET"),
        Hangup(),
    )
    gather = verbs[0]
    assert isinstance(gather, Gather) and gather.wants_digits and gather.wants_speech


def test_twilios_defaults_fill_what_is_left_out() -> None:
    [gather, pause] = twiml.parse("<Response><Gather/><Pause/></Response>")
    assert gather == Gather(action=None, method="POST", num_digits=None, timeout=5)
    assert (gather.finish_on_key, gather.input, gather.action_on_empty_result) == (
        "#",
        ("dtmf",),
        False,
    )
    assert pause == Pause(1.0)


def test_loop_zero_plays_more_than_once_and_bad_numbers_fall_back() -> None:
    [play, pause] = twiml.parse(
        '<Response><Play loop="0">a.wav</Play><Pause length="x"/></Response>'
    )
    assert play == Play("a.wav", loop=2) and pause == Pause(1.0)


def test_verbs_the_fake_does_not_run_are_kept_by_name() -> None:
    assert twiml.parse("<Response><Record/><Dial>+44</Dial></Response>") == (
        Unsupported("Record"),
        Unsupported("Dial"),
    )


@pytest.mark.parametrize("document", ["", "not xml", "<html><body/></html>", "<Response>"])
def test_what_is_not_twiml_is_refused(document: str) -> None:
    with pytest.raises(twiml.BadTwiml):
        twiml.parse(document)
