/*
 * Quick exit. Loaded before the 4 MB Web Chat bundle so Esc works from the first moment the page
 * is parsed. It clears what the page stored, hides the page, and replaces the history entry with a
 * neutral site so Back does not return here. The destination is the Quick exit link's own href,
 * which the server writes from its single QUICK_EXIT_URL constant.
 */
(function () {
  'use strict';

  var link = document.getElementById('quick-exit');
  var destination = link ? link.href : 'about:blank';

  function quickExit(event) {
    if (event) {
      event.preventDefault();
      event.stopPropagation();
    }
    // The page script checks this class so it never writes to storage again after we clear it.
    document.documentElement.classList.add('leaving');
    try {
      window.sessionStorage.clear();
    } catch {
      /* storage disabled: nothing to clear */
    }
    try {
      window.localStorage.clear();
    } catch {
      /* storage disabled: nothing to clear */
    }
    window.location.replace(destination);
  }

  if (link) link.addEventListener('click', quickExit);

  // Capture phase on window runs before any handler inside Web Chat, including its send box.
  // During IME composition (Chinese input) Esc cancels the candidate list instead; a second Esc leaves.
  window.addEventListener(
    'keydown',
    function (event) {
      if ((event.key === 'Escape' || event.key === 'Esc') && !event.isComposing) quickExit(event);
    },
    true,
  );
})();
