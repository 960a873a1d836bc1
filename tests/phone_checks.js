// The phone checks of tests/test_browser_mobile.py, run in the page by Playwright's evaluate:
// the viewport's width, the page's scroll width, the tap targets under 44 x 44 px, the text under
// 14 px (16 px for running text), the QR code and long strings cut off at the edge, the QR's width.
// The rules are stated in the test module's docstring.
() => {
  const vw = document.documentElement.clientWidth;
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(e);
    return s.visibility !== 'hidden' && s.display !== 'none' && !e.closest('details:not([open]) > :not(summary)');
  };
  const box = (e) => { const r = e.getBoundingClientRect(); return {w: Math.round(r.width), h: Math.round(r.height)}; };
  const name = (e) => e.tagName.toLowerCase() + ' "' + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 20) + '"';
  const inlineInSentence = (e) => {
    if (e.tagName !== 'A') return false;
    const p = e.parentElement && e.parentElement.closest('p');
    if (!p || getComputedStyle(e).display !== 'inline') return false;
    return p.innerText.trim().length > e.innerText.trim().length;
  };
  const small = [];
  const sel = 'a[href], button, input[type=submit], input[type=button], summary, select, textarea, ' +
              'input:not([type=hidden]):not([type=radio]):not([type=checkbox]), input[type=radio], input[type=checkbox]';
  for (const e of document.querySelectorAll(sel)) {
    const target = (e.type === 'radio' || e.type === 'checkbox') ? e.closest('label') : e;
    if (!target) { small.push(name(e) + ' has no label to tap'); continue; }
    if (!visible(target) || inlineInSentence(target)) continue;
    const b = box(target);
    if (b.w < 44 || b.h < 44) small.push(name(e) + ' ' + b.w + 'x' + b.h);
  }
  const tiny = [];
  const running = new Set(['P', 'LI', 'DD', 'TD', 'LABEL', 'LEGEND']);
  for (const e of document.querySelectorAll('main *, footer')) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (!visible(e)) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    const least = running.has(e.tagName) ? 16 : 14;
    if (size < least) tiny.push(name(e) + ' ' + size + 'px');
  }
  const outside = [];
  for (const e of document.querySelectorAll('figure.qr svg, figure.qr .url, .case-number, main h1')) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.left < 0 || r.right > vw + 0.5)) outside.push(name(e) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  const qr = document.querySelector('figure.qr svg');
  return {vw, scrollWidth: document.documentElement.scrollWidth, small, tiny, outside,
          qrWidth: qr ? qr.getBoundingClientRect().width : null};
}
