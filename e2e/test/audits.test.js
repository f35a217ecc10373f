// GraphQL over HTTP conformance: graphql-http's server audits against the running gateway, plus the
// issue's bad-input table. Every MUST audit passes; a failing SHOULD audit must be listed in
// should-exceptions.json with the reason; MAY audits are reported only.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';
import { graphqlURL, adminHeaders } from '../lib/gateway.js';

const exceptionsFile = new URL('../should-exceptions.json', import.meta.url);
const { exceptions } = JSON.parse(readFileSync(exceptionsFile, 'utf8'));
const audits = serverAudits({ url: graphqlURL });
const summary = { MUST: [], SHOULD: [], MAY: [] };

/** describeFailure turns a failed audit into one readable line, with the response that failed it. */
async function describeFailure(result) {
  let body = '';
  try {
    body = (await result.response.clone().text()).slice(0, 300);
  } catch {
    body = '(body already read)';
  }
  const type = result.response.headers.get('content-type');
  return `${result.id} ${result.name}: ${result.reason} [got ${result.response.status} ${type}: ${body}]`;
}

describe('graphql-http server audits', () => {
  test('the exceptions file names only audits that exist, each with a reason', () => {
    const ids = new Set(audits.filter((a) => a.name.startsWith('SHOULD')).map((a) => a.id));
    for (const [id, entry] of Object.entries(exceptions)) {
      assert.ok(ids.has(id), `should-exceptions.json lists ${id}, which is not a SHOULD audit of this graphql-http`);
      assert.ok(entry.reason && entry.reason.length > 10, `should-exceptions.json: ${id} needs a reason`);
    }
  });

  for (const audit of audits) {
    const level = audit.name.split(' ', 1)[0];
    test(`${audit.id} ${audit.name}`, async (t) => {
      const result = await audit.fn();
      const ok = result.status === 'ok';
      summary[level].push({ id: audit.id, name: audit.name, ok });
      if (level === 'MUST') {
        assert.ok(ok, await (ok ? '' : describeFailure(result)));
      } else if (level === 'SHOULD') {
        const listed = exceptions[audit.id];
        if (ok && listed) {
          t.diagnostic(`NOTE: ${audit.id} passes now; remove it from should-exceptions.json`);
          console.log(`NOTE: SHOULD audit ${audit.id} "${audit.name}" passes now; remove it from should-exceptions.json`);
        }
        if (!ok && !listed) {
          assert.fail(`not in should-exceptions.json: ${await describeFailure(result)}`);
        }
        if (!ok) t.diagnostic(`known failure (${listed.reason})`);
      } else if (!ok) {
        t.diagnostic(`MAY not met: ${await describeFailure(result)}`);
      }
    });
  }

  after(() => {
    const line = (level) => {
      const failed = summary[level].filter((r) => !r.ok);
      return `${level}: ${summary[level].length - failed.length}/${summary[level].length} pass` +
        (failed.length ? ` (failing: ${failed.map((r) => r.id).join(', ')})` : '');
    };
    console.log(`graphql-http audits: ${line('MUST')}; ${line('SHOULD')}; ${line('MAY')}`);
  });
});

// The "Bad input" list: each gets the GraphQL-over-HTTP status and a GraphQL error body,
// never a 500. Requests accept application/graphql-response+json, so validation failures are 4xx.
describe('bad input', () => {
  const accept = 'application/graphql-response+json, application/json;q=0.9';
  const cases = [
    {
      name: 'wrong content type',
      init: { method: 'POST', headers: { 'content-type': 'text/plain', accept }, body: '{"query":"{ __typename }"}' },
      status: 415,
    },
    {
      name: 'malformed JSON',
      init: { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: '{"query": "{ __typename }"' },
      status: 400,
    },
    {
      name: 'a mutation over GET',
      url: `${graphqlURL}?query=${encodeURIComponent('mutation { logout }')}`,
      init: { method: 'GET', headers: { accept } },
      status: 405,
    },
    {
      name: 'an unknown operation name',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'C' }),
      },
      status: 400,
    },
    {
      name: 'variables of the wrong type',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: 'query($n: Int) { users(first: $n) { totalCount } }', variables: { n: 'twenty' } }),
      },
      status: 400,
    },
    {
      name: 'a query that does not parse',
      init: { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: '{"query":"{ me { "}' },
      status: 400,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const init = { ...c.init, headers: { ...adminHeaders, ...c.init.headers } };
      const res = await fetch(c.url ?? graphqlURL, { ...init, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      assert.equal(res.status, c.status, `status for ${c.name}: ${text.slice(0, 300)}`);
      const body = JSON.parse(text);
      assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `errors array in ${text.slice(0, 300)}`);
      assert.equal(typeof body.errors[0].message, 'string');
    });
  }
});
