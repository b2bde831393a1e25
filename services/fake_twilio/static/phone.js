// Every 2 s, fetch this page again and merge what changed: new texts are appended and
// changed ones replaced, so the reply box (and what is typed in it) is never touched.
(() => {
  const pick = (root, id) => root.querySelector(`[data-testid="${id}"]`);
  async function refresh() {
    let html;
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      if (!response.ok) return;
      html = await response.text();
    } catch { return; }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    const list = pick(document, "phone-list"), freshList = pick(fresh, "phone-list");
    if (list && freshList && list.innerHTML !== freshList.innerHTML) list.innerHTML = freshList.innerHTML;
    const thread = pick(document, "thread"), freshThread = pick(fresh, "thread");
    if (!thread) { if (freshThread) location.reload(); return; }
    if (!freshThread) return;
    const wanted = new Set([...freshThread.children].map((li) => li.dataset.sid));
    for (const li of [...thread.children]) if (!wanted.has(li.dataset.sid)) li.remove();
    for (const li of freshThread.children) {
      const current = thread.querySelector(`[data-sid="${li.dataset.sid}"]`);
      if (!current) thread.append(document.importNode(li, true));
      else if (current.outerHTML !== li.outerHTML) current.replaceWith(document.importNode(li, true));
    }
  }
  setInterval(refresh, 2000);
})();
