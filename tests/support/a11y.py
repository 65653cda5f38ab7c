"""Accessibility checks in real Chromium: axe-core (vendored, WCAG 2.1 A/AA rules) and the phone
layout rules (nothing wider than the screen, no control off-screen, targets >= 44 px, text >= 12 px).
"""
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "axe" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET = 44
MIN_TEXT_PX = 12

RUN_AXE = """async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])}));
}"""


def axe_violations(page, rules=None, exclude_rules=()):
    """axe-core's violations on the page as it is now: [{id, impact, nodes}], WCAG 2.1 A and AA rules
    (or only `rules`)."""
    if rules:
        rules = [rule for rule in rules if rule not in exclude_rules]
        if not rules:
            return []
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    if rules:
        options = {"runOnly": {"type": "rule", "values": list(rules)}}
    else:
        options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
    if exclude_rules:
        options["rules"] = {rule: {"enabled": False} for rule in exclude_rules}
    return page.evaluate(RUN_AXE, options)


# Controls a finger must hit. Links inside running text (a sentence in a <p>, <dd> or hint) are
# exempt, as WCAG's target-size rule exempts inline targets.
PHONE_PROBLEMS = """(minTarget, minText) => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push('page is ' + document.documentElement.scrollWidth + ' px wide');
  }
  const shown = e => { const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && e.checkVisibility({visibilityProperty: true})
      && !e.closest('.visually-hidden'); };  // checkVisibility: not inside a closed <details>
  const name = e => e.tagName.toLowerCase() + ' "'
    + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, video');
  for (const e of controls) {
    if (!shown(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.left < 0 || r.right > width + 0.5) {
      problems.push(name(e) + ' is off-screen (' + Math.round(r.left) + '..' + Math.round(r.right) + ')');
    }
    const inline = e.tagName === 'A' && e.closest('p, dd, .hint');
    if (!inline && (r.width < minTarget - 0.5 || r.height < minTarget - 0.5)) {
      problems.push(name(e) + ' is ' + Math.round(r.width) + ' x ' + Math.round(r.height) + ' px');
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || !shown(parent)) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < minText) problems.push(name(parent) + ' text is ' + size + ' px');
  }
  return problems;
}"""


def phone_problems(page):
    """What breaks the phone layout rules on the page as it is now (an empty list when none)."""
    return page.evaluate(PHONE_PROBLEMS, [MIN_TARGET, MIN_TEXT_PX])
