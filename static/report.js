/* Progressive enhancement for /report: keeps the completeness panel up to
 * date while the researcher types.  The form works without it (the
 * "Check my report" button asks the server for the same information). */
(function () {
  'use strict';
  var form = document.querySelector('form.report');
  var panel = document.getElementById('tier');
  if (!form || !panel || !window.fetch) { return; }
  var label = document.getElementById('tier-label');
  var meter = document.getElementById('tier-meter');
  var hints = document.getElementById('tier-hints');
  var timer = null;

  function value(name) {
    var el = form.elements[name];
    if (!el) { return null; }
    if (el instanceof RadioNodeList) { return el.value || null; }
    return el.value === '' ? null : el.value;
  }

  function body() {
    var yes = function (v) { return v === null ? null : v === 'yes'; };
    var files = [];
    var input = form.elements.attachments;
    var i;
    if (input && input.files) {
      for (i = 0; i < input.files.length; i++) {
        files.push({ filename: input.files[i].name, data_base64: 'AA==' });
      }
    }
    document.querySelectorAll('input[name=kept]').forEach(function () {
      files.push({ filename: 'kept', data_base64: 'AA==' });
    });
    return {
      reporter: { name: value('reporter_name'), email: value('reporter_email'),
        pgp_key: value('reporter_pgp_key'), credit: value('reporter_credit') },
      product: value('product') === 'other' ? value('product_other') : value('product'),
      versions: value('versions'), cwe: value('cwe'), impact: value('impact'),
      title: value('title'), description: value('description'),
      steps: value('steps'), poc: value('poc'), root_cause: value('root_cause'),
      publicly_known: yes(value('publicly_known')), exploited: yes(value('exploited')),
      disclosure_plans: value('disclosure_plans'),
      disclosure_date: value('disclosure_date'), cvss_vector: value('cvss_vector'),
      attachments: files
    };
  }

  function update() {
    fetch('/api/v1/reports/assess', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body()), credentials: 'same-origin'
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (t) {
      if (!t) { return; }
      panel.className = 'tier tier-' + t.name;
      label.textContent = t.label;
      meter.value = t.level;
      meter.textContent = t.level + ' of ' + t.max;
      while (hints.firstChild) { hints.removeChild(hints.firstChild); }
      t.hints.forEach(function (h) {
        var li = document.createElement('li');
        li.textContent = h;
        hints.appendChild(li);
      });
    }).catch(function () { /* the server-side check still works */ });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(update, 400);
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  var summary = document.getElementById('error-summary');
  if (summary) { summary.focus(); }
})();
