// Follows a long operation on its page: asks the server how far it got, moves the
// progress bar, and updates the status line (a polite live region, so screen readers
// hear it at each tenth and when the state changes). When the job ends, the page is
// loaded again to show what it did. Without this script the page's Refresh link works.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-progress");
  var bar = box.querySelector("progress");
  var status = document.getElementById("job-status");
  var delay = 1000;
  var said = { state: null, tenth: -1 };

  function show(job) {
    if (bar) {
      bar.max = Math.max(job.total, 1);
      bar.value = job.total > 0 ? job.done : job.finished ? 1 : 0;
      bar.textContent = job.percent + "%";
    }
    var tenth = Math.floor(job.percent / 10);
    if (status && (job.state !== said.state || tenth !== said.tenth)) {
      status.textContent = job.status;
      said.state = job.state;
      said.tenth = tenth;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) {
          throw new Error("status " + res.status);
        }
        return res.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.25, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // The server may be restarting: try again, less often.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
