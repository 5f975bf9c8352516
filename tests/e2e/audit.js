// What a screen-reader user and a phone reader would trip over on a page, as a list
// of problems: run with Playwright's page.evaluate (tests/e2e/audit.py).
(() => {
  const problems = [];
  const visible = (el) => {
    if (el.closest('[hidden], [aria-hidden="true"]')) return false;
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden';
  };
  const describe = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${id}${cls}>`;
  };
  const text = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim();
  const labelledBy = (el) => (el.getAttribute('aria-labelledby') || '').split(/\s+/)
    .map((id) => document.getElementById(id)).filter(Boolean).map(text).join(' ').trim();
  const nameOf = (el) => {
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label').trim();
    if (labelledBy(el)) return labelledBy(el);
    let name = text(el);
    for (const img of el.querySelectorAll('img[alt]')) name += img.getAttribute('alt');
    for (const svg of el.querySelectorAll('svg title')) name += text(svg);
    return name.trim() || (el.getAttribute('title') || '').trim();
  };

  // Overflow: nothing wider than the viewport (a sideways scroll on a phone).
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px > ${width}px`);
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (visible(el) && box.right > width + 1 && problems.length < 8) {
        problems.push(`  wider than the page: ${describe(el)} right=${Math.round(box.right)}`);
      }
    }
  }

  // Landmarks: one main; at most one banner and one contentinfo (the bare 500 page has none).
  const mains = document.querySelectorAll('main').length;
  if (mains !== 1) problems.push(`${mains} main landmarks`);
  for (const [selector, label] of [['body header:not(main header, article header, aside header)', 'banner'],
                                   ['body footer:not(main footer, article footer, aside footer)', 'contentinfo']]) {
    const count = document.querySelectorAll(selector).length;
    if (count > 1) problems.push(`${count} ${label} landmarks`);
  }
  for (const nav of document.querySelectorAll('nav')) {
    if (!nameOf(nav) || !(nav.getAttribute('aria-label') || labelledBy(nav))) {
      problems.push(`unnamed navigation ${describe(nav)}`);
    }
  }

  // Headings: exactly one h1, and no level skipped on the way down.
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible);
  const h1s = headings.filter((h) => h.tagName === 'H1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 headings`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading skips from h${level} to h${next}: ${text(h)}`);
    if (!text(h)) problems.push(`empty heading ${describe(h)}`);
    level = next;
  }

  // Images: every one has alt (empty for decoration).
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`image without alt: ${img.getAttribute('src')}`);
  }

  // Form controls: every one has a label.
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const labelled = (el.labels && [...el.labels].some((l) => text(l))) ||
      el.getAttribute('aria-label') || labelledBy(el);
    if (!labelled) problems.push(`form control without a label: ${describe(el)} name=${el.name}`);
  }

  // Links and buttons: every one has a name, and a target of at least 24 by 24 pixels,
  // unless it sits in a sentence or a 24px circle on it touches no other target (WCAG 2.5.8).
  const targets = [...document.querySelectorAll('a[href], button, summary, [role="button"]')]
    .filter(visible);
  for (const el of targets) {
    if (!nameOf(el)) problems.push(`no accessible name: ${describe(el)} ${el.getAttribute('href') || ''}`);
  }
  const boxes = targets.map((el) => [el, el.getBoundingClientRect()])
    .filter(([, box]) => box.width || box.height);
  const small = (box) => box.width < 24 || box.height < 24;
  const centre = (box) => [box.left + box.width / 2, box.top + box.height / 2];
  for (const [el, box] of boxes) {
    if (!small(box) || el.classList.contains('skip-link')) continue;
    const inSentence = el.tagName === 'A' && getComputedStyle(el).display === 'inline' &&
      el.parentElement && text(el.parentElement).length > text(el).length + 20;
    if (inSentence) continue;
    const [x, y] = centre(box);
    const crowded = boxes.some(([other, rect]) => {
      if (other === el || other.contains(el) || el.contains(other)) return false;
      const dx = Math.max(rect.left - x, 0, x - rect.right);
      const dy = Math.max(rect.top - y, 0, y - rect.bottom);
      if (Math.hypot(dx, dy) < 12) return true;
      const [ox, oy] = centre(rect);
      return small(rect) && Math.hypot(ox - x, oy - y) < 24;
    });
    if (crowded) {
      problems.push(`small target ${Math.round(box.width)}x${Math.round(box.height)} crowded by another: ${describe(el)} "${nameOf(el)}"`);
    }
  }

  // aria-describedby and aria-labelledby point at something that is there.
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
        const target = document.getElementById(id);
        if (!target) problems.push(`${attr} on ${describe(el)} points at no #${id}`);
        else if (!text(target)) problems.push(`${attr} on ${describe(el)} points at empty #${id}`);
      }
    }
  }

  // Ids are unique (labels and aria-describedby point at the right thing).
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
    seen.add(el.id);
  }
  return problems;
})
