// ftbench pages (a run's dashboard.html, history.html): the helpers both page scripts use.
// Inlined before each page's own script (report/dashboard_assets.cpp), as one global.
var ftbenchPage = (function () {
  'use strict';

  // el('td', {class: 'num', text: '1.2'}, child, ...): attributes null or undefined are left out.
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] === null || attrs[k] === undefined) return;
        if (k === 'text') node.textContent = attrs[k];
        else if (k === 'class') node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function threadsLabel(n) { return n + (n === 1 ? ' thread' : ' threads'); }
  // The unit an axis of nanosecond values reads best in.
  function unitFor(maxNs) {
    if (maxNs >= 1e9) return { scale: 1e9, name: 's' };
    if (maxNs >= 1e6) return { scale: 1e6, name: 'ms' };
    if (maxNs >= 1e3) return { scale: 1e3, name: 'us' };
    return { scale: 1, name: 'ns' };
  }

  return { el: el, threadsLabel: threadsLabel, unitFor: unitFor };
})();
