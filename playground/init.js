// Starts GraphiQL with the settings the server put in the page's JSON data block. A served file rather
// than an inline script, so that the Content-Security-Policy can allow scripts from 'self' only.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('playground-config').textContent);
  var root = document.getElementById('graphiql');
  var fetcher = GraphiQL.createFetcher({ url: config.endpoint });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.headers,
      isHeadersEditorEnabled: true,
      // Credentials stay out of localStorage; the prefilled headers come back on every visit.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
