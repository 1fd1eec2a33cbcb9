"""The portal's pages: Jinja templates (rendered in the project's one sandboxed, autoescaping environment)
and its one stylesheet. Kept as Python strings so the wheel carries them with the code; no JavaScript."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

CSS = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#111;background:#fafafa}
header{background:#12355b;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a,header button{color:#fff}
header .who{margin-left:auto;font-size:.9rem}
header form{display:inline}
header button{background:none;border:1px solid #fff;border-radius:3px;cursor:pointer;padding:.1rem .5rem}
main{max-width:60rem;margin:1rem auto;padding:0 1.2rem 3rem;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
.message{border-left:4px solid #b00020;background:#fdecea;padding:.6rem .9rem;margin:1rem 0}
.notice{border-left:4px solid #1b7f3b;background:#e8f5ec;padding:.6rem .9rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .4rem;text-align:left;vertical-align:top}
.para{display:flex;gap:.8rem;margin:.5rem 0}.para .label{min-width:3rem;color:#555}
.status{font-size:.75rem;border:1px solid #888;border-radius:3px;padding:0 .3rem;margin-left:.4rem}
ins{background:#e6ffed;text-decoration:none}del{background:#ffeef0}
.untracked{color:#8a4b00;font-weight:600}
form.inline{display:inline}
label{display:block;margin:.6rem 0 .2rem}
input[type=text],input[type=email],input[type=password]{font:inherit;padding:.3rem;min-width:16rem}
select{font:inherit;padding:.2rem}
form.row{display:flex;gap:.4rem;align-items:center;flex-wrap:wrap}form.row input[type=text]{min-width:8rem;width:10rem}
main{max-width:72rem}
button{font:inherit;padding:.3rem .9rem;cursor:pointer}
"""

_BASE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ title }}{% endblock %} · {{ site }}</title>
<link rel="stylesheet" href="/portal.css"></head>
<body>
<header>
  <strong>{{ site }}</strong>
  {% if ws %}<a href="{{ ws.prefix }}/">Text</a>
  {% if me %}
    {% if me.role in ("member",) %}<a href="{{ ws.prefix }}/upload">Submit a return</a>{% endif %}
    {% if me.role in ("member", "clerk", "chair") %}<a href="{{ ws.prefix }}/submissions">Submissions</a>
    <a href="{{ ws.prefix }}/reflection">Reflection</a>{% endif %}
    <a href="{{ ws.prefix }}/compilation">Compilation</a>
    {% if me.role in ("clerk", "chair") %}<a href="{{ ws.prefix }}/clerk">Clerk</a>{% endif %}
  {% endif %}{% endif %}
  {% if me %}<span class="who">{{ me.email }} · {{ me.delegation or me.role }}
    {%- if me.delegation %} ({{ me.role }}){% endif %}
    <form method="post" action="{{ ws.prefix }}/logout"><input type="hidden" name="csrf" value="{{ csrf }}">
    <button type="submit">Log out</button></form></span>{% endif %}
</header>
<main>
{% if message %}<p class="message" role="alert">{{ message }}</p>{% endif %}
{% if notice %}<p class="notice" role="status">{{ notice }}</p>{% endif %}
{% block main %}{% endblock %}
</main>
</body></html>
"""

_INDEX = """{% extends "base.html" %}{% block main %}
<h1>Documents of this conference</h1>
<ul>{% for w in workspaces %}<li><a href="{{ w.prefix }}/">{{ w.title }}</a></li>{% endfor %}</ul>
{% endblock %}"""

_LOGIN = """{% extends "base.html" %}{% block main %}
<h1>Log in</h1>
<p>{{ ws.title }}</p>
<form method="post" action="{{ ws.prefix }}/login">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <label for="email">E-mail address</label><input type="email" id="email" name="email" required value="{{ email }}">
  <label for="password">Password</label><input type="password" id="password" name="password" required>
  <p><button type="submit">Log in</button></p>
</form>
{% endblock %}"""

_INVITE = """{% extends "base.html" %}{% block main %}
<h1>Set your password</h1>
{% if person %}
<p>Invitation for <strong>{{ person.email }}</strong>: {{ person.role }}{% if person.delegation %} of
<bdi>{{ person.delegation }}</bdi>{% endif %}.</p>
<form method="post" action="{{ action }}">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <label for="password">New password (at least {{ min_password }} characters)</label>
  <input type="password" id="password" name="password" required minlength="{{ min_password }}">
  <label for="again">The same again</label><input type="password" id="again" name="again" required>
  <p><button type="submit">Set password</button></p>
</form>
{% endif %}
{% endblock %}"""

_TEXT = """{% extends "base.html" %}{% block main %}
<h1>{{ text.document.meta.title }}</h1>
<p>Current text: <strong id="revision">{{ text.label }}</strong>
 · download <a href="{{ ws.prefix }}/text.docx">.docx</a> · <a href="{{ ws.prefix }}/text.md">.md</a>
 · <a href="{{ ws.prefix }}/text.pdf">.pdf</a>
 (the files carry the text's identity: edit them with Track Changes on and submit them back)</p>
<div class="text">
{% for p in text.document.paragraphs %}
<div class="para" id="p-{{ p.id }}"><span class="label">{{ p.label }}</span>
<span class="body">{{ p.text }}{% if text.statuses.get(p.id) -%}
<span class="status">{{ text.statuses[p.id] }}</span>{% endif %}
{% set silence = text.silences.get(p.id) %}{% if silence %}<span class="status silence">{% if silence.state == "running"
%}under silence until {{ silence.until }}{% elif silence.state == "kept" %}silence kept: agreed{% else
%}silence broken by {{ silence.broken_by|join(", ") }}{% endif %}</span>
{% if silence.state == "running" and me.role == "member" and me.delegation not in silence.broken_by %}
<form class="row" method="post" action="{{ ws.prefix }}/break-silence">
<input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="paragraph" value="{{ p.id }}">
<input type="text" name="note" placeholder="why (for the record)"
 aria-label="note on breaking the silence on {{ p.id }}">
<button type="submit" aria-label="break the silence on {{ p.id }}">Break the silence</button></form>
{% endif %}{% endif %}</span></div>
{% endfor %}
</div>
{% endblock %}"""

_UPLOAD = """{% extends "base.html" %}{% block main %}
<h1>Submit a return for <bdi>{{ me.delegation }}</bdi></h1>
<p>Upload the text with your delegation's amendments: a .docx (Track Changes on, or not: differences are
read too), or an edited .md or .txt copy. Up to {{ max_mb }} MB. You will see what was read before anything
is submitted.</p>
<form method="post" action="{{ ws.prefix }}/upload" enctype="multipart/form-data">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <label for="file">File</label><input type="file" id="file" name="file" required accept=".docx,.md,.txt">
  <p><button type="submit">Read the file</button></p>
</form>
{% endblock %}"""

_AMENDMENT_ROWS = """{% macro rows(amendments, labels) %}
<table class="amendments"><thead><tr><th>Paragraph</th><th>Change</th><th>Made</th></tr></thead><tbody>
{% for a in amendments %}<tr class="amendment">
<td>{{ labels.get(a.paragraph, "") }} <small>{{ a.paragraph or "not placed" }}</small></td>
<td><span class="kind">{{ a.kind.value }}</span>:
{% if a.old %}<del>{{ a.old }}</del>{% endif %} {% if a.new %}<ins>{{ a.new }}</ins>{% endif %}</td>
<td>{% if a.tracked %}tracked{% else %}<span class="untracked">without Track Changes</span>{% endif %}</td>
</tr>{% endfor %}
</tbody></table>{% endmacro %}"""

_PREVIEW = """{% extends "base.html" %}{% import "rows.html" as m %}{% block main %}
<h1>Preview: {{ preview.filename }}</h1>
<p>Read against <strong>{{ preview.label }}</strong> ({{ "identity" if preview.matched_by == "identity" else
"best match, " ~ ((preview.similarity * 100)|round|int) ~ " %" }}).
<span id="count">{{ preview.amendments|length }}</span> amendment(s){% if preview.untracked %},
<span class="untracked">{{ preview.untracked }} made without Track Changes</span>{% endif %}.</p>
{{ m.rows(preview.amendments, preview.paragraph_labels) }}
{% if preview.comments %}<h2>Comments in the file</h2><ul>
{% for c in preview.comments %}<li><bdi>{{ c.author }}</bdi> on “{{ c.anchor }}”: {{ c.text }}</li>{% endfor %}
</ul>{% endif %}
{% if preview.submitted %}<p>This return was submitted.</p>{% else %}
<form method="post" action="{{ ws.prefix }}/uploads/{{ preview.token }}/submit">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <p><button type="submit">Submit for <bdi>{{ preview.delegation }}</bdi></button>
  <a href="{{ ws.prefix }}/upload">Upload another file instead</a></p>
</form>{% endif %}
{% endblock %}"""

_SUBMISSIONS = """{% extends "base.html" %}{% block main %}
<h1>{% if me.role == "member" %}Submissions of <bdi>{{ me.delegation }}</bdi>{% else %}Submissions{% endif %}</h1>
<table id="submissions"><thead><tr><th>#</th><th>Delegation</th><th>Received</th><th>Against</th><th>File</th>
<th>Amendments</th></tr></thead><tbody>
{% for s in submissions %}<tr>
<td><a href="{{ ws.prefix }}/submissions/{{ s.id }}">{{ s.id }}</a></td><td><bdi>{{ s.delegation }}</bdi></td>
<td>{{ s.at[:19]|replace("T", " ") }} UTC</td><td>{{ label(s.revision) }}{% if s.matched_by != "identity" %}
(best match){% endif %}</td><td><a href="{{ ws.prefix }}/submissions/{{ s.id }}/file">{{ s.filename }}</a></td>
<td>{{ s.amendments }}{% if s.untracked %}
<span class="untracked">({{ s.untracked }} without Track Changes)</span>{% endif %}</td>
</tr>{% else %}<tr><td colspan="6">None yet.</td></tr>{% endfor %}
</tbody></table>
{% if amendments is not none %}
<h2>Amendments of <bdi>{{ me.delegation }}</bdi> on the current text</h2>
<table id="own-amendments"><thead><tr><th>Number</th><th>Paragraph</th><th>Change</th><th>Decision</th></tr>
</thead><tbody>
{% for a in amendments %}<tr><td>{{ a.number }}</td><td>{{ a.paragraph_number }} <small>{{ a.paragraph }}</small></td>
<td>{{ a.kind }}: {% if a.old %}<del>{{ a.old }}</del>{% endif %} {% if a.new %}<ins>{{ a.new }}</ins>{% endif %}</td>
<td class="decision">{{ a.decision }}{% if a.note %}: {{ a.note }}{% endif %}
{% if a.active and a.decision == "pending" %}<form class="inline" method="post" action="{{ ws.prefix }}/withdraw">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="amendment" value="{{ a.id }}">
<button type="submit" aria-label="withdraw {{ a.number }}">Withdraw</button></form>{% endif %}</td></tr>
{% else %}<tr><td colspan="4">None on the current text.</td></tr>{% endfor %}
</tbody></table>{% endif %}
{% endblock %}"""

_SUBMISSION = """{% extends "base.html" %}{% block main %}
<h1>Submission {{ s.id }}: <bdi>{{ s.delegation }}</bdi></h1>
<table><tbody>
<tr><th>Received</th><td>{{ s.at[:19]|replace("T", " ") }} UTC, from {{ s.actor }}</td></tr>
<tr><th>Against</th><td>{{ label(s.revision) }} ({{ s.matched_by }})</td></tr>
<tr><th>File</th><td><a href="{{ ws.prefix }}/submissions/{{ s.id }}/file">{{ s.filename }}</a> ({{ s.format }},
SHA-256 <code>{{ s.sha256[:16] }}…</code>)</td></tr>
<tr><th>Amendments</th><td>{{ s.amendments }}{% if s.untracked %}, <span class="untracked">{{ s.untracked }}
without Track Changes</span>{% endif %}</td></tr>
</tbody></table>
{% endblock %}"""

_COMPILATION = """{% extends "base.html" %}{% block main %}
<h1>Compilation text</h1>
{% if published %}
<p>Published <strong id="published-label">{{ published.label }}</strong> on {{ published.at[:19]|replace("T", " ") }}
UTC: <a href="{{ ws.prefix }}/compilation.html">read it</a> · <a href="{{ ws.prefix }}/compilation.docx">.docx</a>
· <a href="{{ ws.prefix }}/compilation.md">.md</a></p>
{% if proposals %}<h2>Proposals in it</h2>
<table id="proposals"><thead><tr><th>Number</th><th>Paragraph</th><th>Delegation</th><th>Change</th><th>Decision</th>
<th>Supported by</th></tr></thead><tbody>
{% for a in proposals %}<tr class="proposal"><td>{{ a.number }}</td><td>{{ a.paragraph_number }}
<small>{{ a.paragraph or "not placed" }}</small></td><td><bdi>{{ a.delegation }}</bdi></td>
<td>{{ a.kind }}: {% if a.old %}<del>{{ a.old }}</del>{% endif %} {% if a.new %}<ins>{{ a.new }}</ins>{% endif %}</td>
<td class="decision">{{ a.decision }}</td>
<td class="supporters">{% for d in a.supporters %}<bdi>{{ d }}</bdi>{% if not loop.last %}, {% endif %}{% endfor %}
{% if me.role == "member" and a.delegation != me.delegation and me.delegation not in a.supporters
   and a.decision == "pending" %}<form class="inline" method="post" action="{{ ws.prefix }}/support">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="amendment" value="{{ a.id }}">
<button type="submit" aria-label="support {{ a.number }}">Support</button></form>{% endif %}</td></tr>{% endfor %}
</tbody></table>{% endif %}
{% else %}<p id="not-published">The secretariat has not published a compilation text yet.</p>{% endif %}
{% endblock %}"""

_CLERK = """{% extends "base.html" %}{% block main %}
<h1>Running the round: {{ report.label }}</h1>
<p>{{ submissions|length }} submission(s) recorded;
{{ report.delegations|length }} delegation(s) with amendments on {{ report.label }};
{{ report.conflicts|length }} conflict(s); {{ untracked }} amendment(s) made without Track Changes.
{% if published %}Published: {{ published.label }} ({{ published.at[:19]|replace("T", " ") }} UTC).{% endif %}</p>
{% if me.role == "clerk" %}
<form class="inline" method="post" action="{{ ws.prefix }}/publish"><input type="hidden" name="csrf" value="{{ csrf }}">
<button type="submit" id="publish">Compile and publish the compilation text</button></form>
<form class="inline" method="post" action="{{ ws.prefix }}/revise"><input type="hidden" name="csrf" value="{{ csrf }}">
<button type="submit" id="revise">Issue {{ next_label }}</button></form>
{% endif %}
<details><summary>Silence procedure, chair's proposal</summary>
<form method="post" action="{{ ws.prefix }}/silence"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="until">Under silence until (UTC)</label><input type="datetime-local" id="until" name="until" required>
<label for="silence-paragraphs">Paragraphs (ids or numbers, separated by commas; empty: the whole text)</label>
<input type="text" id="silence-paragraphs" name="paragraphs">
<p><button type="submit">Start the silence</button></p></form>
<form method="post" action="{{ ws.prefix }}/propose"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="propose-paragraph">Paragraph (id or number)</label>
<input type="text" id="propose-paragraph" name="paragraph" required>
<label for="propose-text">The chair's text</label><input type="text" id="propose-text" name="text" required>
<label><input type="checkbox" name="after" value="yes"> as a new paragraph after it</label>
<p><button type="submit">Record the chair's proposal</button></p></form>
</details>
<h2>Latest submissions</h2>
<table><thead><tr><th>#</th><th>Delegation</th><th>Received</th><th>Against</th><th>Amendments</th></tr></thead><tbody>
{% for s in submissions[:20] %}<tr><td><a href="{{ ws.prefix }}/submissions/{{ s.id }}">{{ s.id }}</a></td>
<td><bdi>{{ s.delegation }}</bdi></td><td>{{ s.at[:19]|replace("T", " ") }}</td><td>{{ label(s.revision) }}
{% if s.matched_by != "identity" %}(best match){% endif %}</td><td>{{ s.amendments }}{% if s.untracked %}
<span class="untracked">({{ s.untracked }} without Track Changes)</span>{% endif %}</td></tr>
{% else %}<tr><td colspan="5">None yet.</td></tr>{% endfor %}</tbody></table>
<h2>Amendments on {{ report.label }}</h2>
<table id="amendments"><thead><tr><th>Number</th><th>Paragraph</th><th>Delegation</th><th>Change</th>
<th>Decision</th></tr></thead><tbody>
{% for p in report.paragraphs %}{% for a in p.amendments + p.proposed_after %}
{% if a.active or a.decision != "pending" %}<tr class="amendment" id="a-{{ a.id }}">
<td><strong>{{ a.number }}</strong></td>
<td>{{ p.number }} <small>{{ p.id }}</small>{% if p.conflict %} <strong>conflict</strong>{% endif %}</td>
<td><bdi>{{ a.delegation }}</bdi></td>
<td>{{ a.kind }}: {% if a.old %}<del>{{ a.old }}</del>{% endif %} {% if a.new %}<ins>{{ a.new }}</ins>{% endif %}
{% if not a.tracked %}<span class="untracked">without Track Changes</span>{% endif %}</td>
<td><form class="row" method="post" action="{{ ws.prefix }}/decide"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="amendment" value="{{ a.id }}">
<select name="decision" aria-label="decision on {{ a.number }}">{% for d in decisions %}
<option{% if d == a.decision %} selected{% endif %}>{{ d }}</option>{% endfor %}</select>
<input type="text" name="note" placeholder="note" aria-label="note on {{ a.number }}">
<button type="submit">Decide</button> <span class="decision">{{ a.decision }}</span></form></td></tr>
{% endif %}{% endfor %}{% endfor %}
</tbody></table>
<h2>Paragraph statuses</h2>
<table id="paragraphs"><thead><tr><th>Paragraph</th><th>Status</th></tr></thead><tbody>
{% for p in report.paragraphs %}<tr id="row-{{ p.id }}"><td>{{ p.number }} <small>{{ p.id }}</small></td>
<td><form class="row" method="post" action="{{ ws.prefix }}/mark"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="paragraph" value="{{ p.id }}">
<select name="status" aria-label="status of {{ p.id }}">{% for s in statuses %}
<option{% if s == p.status %} selected{% endif %}>{{ s }}</option>{% endfor %}</select>
<button type="submit">Mark</button></form></td></tr>{% endfor %}
</tbody></table>
{% endblock %}"""

_REFLECTION = """{% extends "base.html" %}{% block main %}
<h1>Where {% if me.role == "member" %}<bdi>{{ me.delegation }}</bdi>'s{% else %}each delegation's{% endif %}
proposals went</h1>
<table id="reflection"><thead><tr><th>Number</th><th>Made on</th><th>Change</th><th>Outcome</th><th>Where</th>
<th>Supported by</th></tr></thead><tbody>
{% for f in fates %}<tr class="fate"><td>{{ f.number }}</td><td>{{ f.revision_label }}</td>
<td>{{ f.kind }}: {% if f.old %}<del>{{ f.old }}</del>{% endif %} {% if f.new %}<ins>{{ f.new }}</ins>{% endif %}</td>
<td class="outcome">{{ f.outcome }}</td><td>{{ f.where }}{% if f.note %} ({{ f.note }}){% endif %}</td>
<td>{{ f.supporters|join(", ") }}</td></tr>
{% else %}<tr><td colspan="6">No proposal yet.</td></tr>{% endfor %}
</tbody></table>
{% endblock %}"""

_ERROR = """{% extends "base.html" %}{% block main %}<h1>{{ heading }}</h1>{% endblock %}"""

TEMPLATES = {
    "base.html": _BASE, "index.html": _INDEX, "login.html": _LOGIN, "invite.html": _INVITE, "text.html": _TEXT,
    "upload.html": _UPLOAD, "rows.html": _AMENDMENT_ROWS, "preview.html": _PREVIEW,
    "submissions.html": _SUBMISSIONS, "submission.html": _SUBMISSION, "compilation.html": _COMPILATION,
    "clerk.html": _CLERK, "reflection.html": _REFLECTION, "error.html": _ERROR,
}


@cache
def environment() -> SandboxedEnvironment:
    """The project's sandboxed, autoescaping, strict environment, given the portal's templates."""
    from jinja2 import DictLoader

    from drafting.support.factories import make_jinja_env

    env = make_jinja_env()
    env.loader = DictLoader(TEMPLATES)
    return env


def render_page(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
