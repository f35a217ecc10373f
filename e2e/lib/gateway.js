// The running gateway under test, as run.sh describes it in the environment. Every test file imports
// this module; a missing variable fails the file rather than skipping it.
import assert from 'node:assert/strict';

function required(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run the suite through e2e/run.sh (see e2e/README.md)`);
  return value;
}

function headers(name) {
  const parsed = JSON.parse(required(name));
  assert.ok(parsed['X-User-Id'] && parsed['X-Auth-Token'], `${name} lacks X-User-Id/X-Auth-Token`);
  return parsed;
}

/** Base URL of the gateway, e.g. http://127.0.0.1:41234 (no trailing slash). */
export const baseURL = required('ROCKETGQL_URL').replace(/\/+$/, '');
/** The GraphQL endpoint. */
export const graphqlURL = `${baseURL}/graphql`;
/** Headers of the emulator's demo users, as the gateway printed them at start. */
export const adminHeaders = headers('ROCKETGQL_DEMO_HEADERS_ADMIN');
export const demoHeaders = headers('ROCKETGQL_DEMO_HEADERS_DEMO');
/** The Chromium binary the playground test drives. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * gql posts one operation to url (the gateway by default) and returns the parsed body; it fails on a
 * non-2xx status or on GraphQL errors unless allowErrors is set.
 */
export async function gql(query, { variables, headers = {}, url = graphqlURL, allowErrors = false } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  if (!allowErrors) {
    assert.equal(res.status, 200, `${url} answered ${res.status}: ${text.slice(0, 500)}`);
    assert.equal(body.errors, undefined, `GraphQL errors from ${url}: ${JSON.stringify(body.errors)}`);
  }
  return body;
}
