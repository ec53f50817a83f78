"""What browser tests do on any page: check it with axe, watch its console, sign in, switch
language. A new page joins the harness by opening it with the ``page`` fixture and calling
``assert_no_serious_axe_violations(page)``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from weakref import WeakKeyDictionary, WeakSet

from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
FAILING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The labels of the real language switch in the header, in their own language.
LANGUAGE_BUTTONS = {"ko": "한국어", "en": "English"}

# Problems seen on each page: CSP violations, other console errors, uncaught exceptions.
_page_problems: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()
# Contexts opened with java_script_enabled=False: their timers never fire, which axe needs.
_contexts_without_javascript: WeakSet[BrowserContext] = WeakSet()

# Stands in for the timers a JavaScript-disabled page does not run, while axe runs there.
_MICROTASK_TIMERS = """() => {
    window.setTimeout = (callback, delay, ...args) => {
        Promise.resolve().then(() => callback(...args));
        return 0;
    };
    window.clearTimeout = () => {};
}"""


def mark_javascript_disabled(context: BrowserContext) -> BrowserContext:
    _contexts_without_javascript.add(context)
    return context


def ui_text(language: str, message: str, *, context: str | None = None) -> str:
    """``message`` (a Korean msgid, with its ``context`` if it has one) as the portal shows it
    in ``language``.

    Tests find buttons and labels by the text a user reads; asking the same catalogue the
    server uses keeps them right while translations are being written.
    """
    with translation.override(language):
        if context is not None:
            return translation.pgettext(context, message)
        return translation.gettext(message)


def watch_page(page: Page) -> Page:
    """Record console errors (CSP violations among them) and uncaught errors of ``page``."""
    if page in _page_problems:
        return page
    problems: list[str] = []
    _page_problems[page] = problems

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text} ({message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page


def page_problems(page: Page) -> list[str]:
    return list(_page_problems.get(page, []))


def accept_page_problems(page: Page, pattern: str) -> list[str]:
    """Take the problems matching ``pattern`` off ``page``'s record and return them.

    For a test that means to cause one, e.g. a 400 from an invalid filter logs
    "Failed to load resource: the server responded with a status of 400". A CSP violation
    is never accepted.
    """
    problems = _page_problems.get(page, [])
    accepted = [
        problem
        for problem in problems
        if re.search(pattern, problem) and "Content Security Policy" not in problem
    ]
    problems[:] = [problem for problem in problems if problem not in accepted]
    return accepted


def assert_no_page_problems(page: Page) -> None:
    problems = page_problems(page)
    assert not problems, "The page reported problems:\n" + "\n".join(problems)


def run_axe(page: Page, tags: tuple[str, ...] = AXE_TAGS) -> list[dict]:
    """Run axe-core on the current document and return its violations.

    The script is evaluated through the DevTools protocol rather than added as a <script>
    tag, so the page's own Content-Security-Policy stays in force and untouched.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if page.context in _contexts_without_javascript:
            # The page's own scripts do not run, so nothing else sees these timers.
            page.evaluate(_MICROTASK_TIMERS)
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map((violation) => ({
                id: violation.id,
                impact: violation.impact,
                help: violation.help,
                helpUrl: violation.helpUrl,
                nodes: violation.nodes.map((node) => ({
                    target: node.target,
                    impact: node.impact,
                    summary: node.failureSummary,
                })),
            }));
        }""",
        list(tags),
    )


def assert_no_serious_axe_violations(page: Page, tags: tuple[str, ...] = AXE_TAGS) -> None:
    """Fail listing every serious or critical axe violation, and any console problem."""
    assert_no_page_problems(page)
    violations = [v for v in run_axe(page, tags) if v["impact"] in FAILING_IMPACTS]
    if violations:
        lines = [f"axe found {len(violations)} serious/critical violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"]:
                lines.append(f"    at {' '.join(map(str, node['target']))}")
                if node["summary"]:
                    lines.extend(f"      {line}" for line in node["summary"].splitlines())
        raise AssertionError("\n".join(lines))


def shoot(page: Page, name: str) -> None:
    """Keep a full-page screenshot for a human to look at when ``BROWSER_SHOTS`` names a
    folder (``BROWSER_SHOTS=/tmp/shots pytest tests/browser``)."""
    folder = os.environ.get("BROWSER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def assert_html_lang(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


def switch_language(page: Page, language: str) -> None:
    """Press the header's language button and wait for the page to come back in it."""
    button = page.get_by_role("button", name=LANGUAGE_BUTTONS[language], exact=True)
    with page.expect_navigation():
        button.click()
    assert_html_lang(page, language)
    pressed = page.get_by_role("button", name=LANGUAGE_BUTTONS[language], exact=True)
    expect(pressed).to_have_attribute("aria-pressed", "true")


def sign_in(page: Page, username: str, password: str, language: str) -> None:
    """Sign in through the real login form (the page must show it, or be able to reach it)."""
    if not re.search(r"/accounts/login/", page.url):
        page.goto("/accounts/login/")
    form = AuthenticationForm()
    with translation.override(language):
        username_label = str(form.fields["username"].label)
        password_label = str(form.fields["password"].label)
    page.get_by_label(username_label).fill(username)
    page.get_by_label(password_label).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "로그인"), exact=True).click()
    expect(page.get_by_role("button", name=ui_text(language, "로그아웃"))).to_be_visible()
