"""prep's Anki note types: their ids, fields, card templates and CSS.

A note type's id derives from a fixed name and never changes, and a note type's fields never
change either: Anki matches an imported note type by id, and one whose fields differ from
the collection's copy is a schema change (a full sync, and notes that no longer update in
place). So a new need (a case study's scenario) gets a new note type, never a new field in
an existing one. Templates are HTML and CSS only, no JavaScript: they read the same on
Anki desktop, AnkiDroid and AnkiMobile at phone width.
"""

from __future__ import annotations

import hashlib

import genanki

from prep.rendering import pygments_css


def stable_id(*parts: str) -> int:
    """A positive 31-bit id derived from text (never random at export time)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) | (int.from_bytes(digest[:4], "big") & ((1 << 30) - 1))


CSS = """
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 18px;
        line-height: 1.45; text-align: left; color: #1d1f21; background: #fff;
        max-width: 42em; margin: 0 auto; padding: 0 .5em; }
.nightMode.card, .night_mode .card { color: #e7e9ea; background: #1e2125; }
pre { white-space: pre-wrap; word-wrap: break-word; font-size: 14px; padding: .5em;
      border-radius: 6px; background: rgba(127,127,127,.12); overflow-x: auto; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; }
ol.options { padding-left: 0; list-style: none; }
ol.options li { margin: .35em 0; padding: .35em .5em; border: 1px solid rgba(127,127,127,.35);
                border-radius: 6px; }
.letter { font-weight: 700; margin-right: .4em; }
.choose { font-weight: 600; }
.answer { font-weight: 700; font-size: 1.1em; }
.explanations li { margin: .3em 0; }
.meta { color: #888; font-size: 13px; margin-top: 1em; }
img { max-width: 100%; height: auto; }
""" + pygments_css()

# The item kinds of issue 16 (ordering, matching, case studies, yes/no series): a letter or
# number before a block of Markdown, its first paragraph on the same line.
KINDS_CSS = CSS + """
.case { margin: 0 0 1em; padding: .5em .75em; border-left: 4px solid #4a78a8;
        border-radius: 0 6px 6px 0; background: rgba(74,120,168,.10); }
.case-title { font-weight: 700; margin: .2em 0 .4em; }
.case > :last-child { margin-bottom: .25em; }
.label { font-size: 14px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em;
         color: #5b6470; margin: 1em 0 .2em; }
.nightMode .label, .night_mode .label { color: #a9b1bb; }
.letter + p, .number + p { display: inline; }
ol.prompts, ol.order, ol.pairs { padding-left: 0; list-style: none; }
ol.prompts li { margin: .35em 0; padding: .35em .5em; border: 1px dashed rgba(127,127,127,.6);
                border-radius: 6px; }
ol.order li { margin: .5em 0; }
ol.pairs li { margin: 0 0 .7em; padding-bottom: .6em;
              border-bottom: 1px solid rgba(127,127,127,.25); }
.number { font-weight: 700; margin-right: .4em; }
.pair-answer { margin-top: .15em; font-weight: 600; }
.why { margin-top: .2em; color: #4d5560; font-size: .95em; }
.why p { margin: .2em 0 0; }
.nightMode .why, .night_mode .why { color: #c3c9d0; }
li p { overflow-wrap: anywhere; }
"""

META = '<div class="meta">{{Track}} · {{Domain}}{{#Source}}<br>{{Source}}{{/Source}}</div>'
_CASE = '{{#Case}}<div class="case">{{Case}}</div>{{/Case}}'
_BACK = '{{FrontSide}}<hr id="answer">'
_TAIL = ("Track", "Domain", "Source")


def _model(key: str, name: str, fields: tuple[str, ...], front: str, back: str,
           css: str) -> genanki.Model:
    return genanki.Model(stable_id("prep", "model", key), name,
                         fields=[{"name": field} for field in fields],
                         templates=[{"name": "Card 1", "qfmt": front, "afmt": back}], css=css)


BASIC = _model("basic", "prep Basic", ("Front", "Back", *_TAIL),
               '<div class="front">{{Front}}</div>',
               _BACK + '<div class="back">{{Back}}</div>' + META, CSS)
_CHOICE_FRONT = '<div class="question">{{Question}}</div>{{Options}}'
_CHOICE_BACK = '<div class="answer">Answer: {{Answer}}</div>{{Explanation}}' + META
MULTIPLE_CHOICE = _model(
    "multiple-choice", "prep Multiple Choice",
    ("Question", "Options", "Answer", "Explanation", *_TAIL),
    _CHOICE_FRONT, _BACK + _CHOICE_BACK, CSS)
# A case study's question, or one solution of a yes/no series (its goal is the "case"):
# Multiple Choice with the scenario above the question.
CASE_MULTIPLE_CHOICE = _model(
    "case-multiple-choice", "prep Case Multiple Choice",
    ("Question", "Options", "Answer", "Explanation", "Case", *_TAIL),
    _CASE + _CHOICE_FRONT, _BACK + _CHOICE_BACK, KINDS_CSS)
ORDERING = _model(
    "ordering", "prep Ordering",
    ("Question", "Steps", "Answer", "Order", "Explanation", "Case", *_TAIL),
    _CASE + '<div class="question">{{Question}}</div>{{Steps}}',
    _BACK + '<div class="answer">Correct order: {{Answer}}</div>{{Order}}{{Explanation}}'
    + META, KINDS_CSS)
MATCHING = _model(
    "matching", "prep Matching",
    ("Question", "Prompts", "Answers", "Pairs", "Explanation", "Case", *_TAIL),
    _CASE + '<div class="question">{{Question}}</div>{{Prompts}}{{Answers}}',
    _BACK + '<div class="answer">Correct pairs</div>{{Pairs}}{{Explanation}}' + META,
    KINDS_CSS)
