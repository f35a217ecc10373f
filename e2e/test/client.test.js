// A frontend client: Apollo Client (core, no React) with an HttpLink, paging through users with the
// connection's cursors and running a mutation with variables.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { graphqlURL, demoHeaders } from '../lib/gateway.js';

function newClient(headers) {
  return new ApolloClient({
    link: new HttpLink({ uri: graphqlURL, headers }),
    cache: new InMemoryCache(),
    defaultOptions: { query: { fetchPolicy: 'network-only' } },
  });
}

const USERS = gql`
  query Users($first: Int!, $after: String) {
    users(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          username
        }
      }
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const SET_STATUS = gql`
  mutation SetStatus($status: SettableUserStatus, $msg: String) {
    setStatus(status: $status, message: $msg)
  }
`;

const ME = gql`
  query Me {
    me {
      id
      username
      statusText
      presence {
        status
      }
    }
  }
`;

describe('Apollo Client', () => {
  const client = newClient(demoHeaders);
  after(async () => {
    // Leave the demo user as the emulator seeded it, for whatever runs next on this gateway.
    await client.mutate({ mutation: SET_STATUS, variables: { status: 'ONLINE', msg: '' } });
    client.stop();
  });

  test('pages through users with first/after', async () => {
    const first = await client.query({ query: USERS, variables: { first: 20 } });
    const p1 = first.data.users;
    assert.ok(p1.totalCount > 20, `the emulator seeds more than 20 users, got ${p1.totalCount}`);
    assert.equal(p1.edges.length, 20);
    assert.deepEqual(p1.nodes.map((n) => n.id), p1.edges.map((e) => e.node.id));
    assert.equal(p1.pageInfo.hasNextPage, true);
    assert.equal(p1.pageInfo.endCursor, p1.edges.at(-1).cursor);

    const second = await client.query({ query: USERS, variables: { first: 20, after: p1.pageInfo.endCursor } });
    const p2 = second.data.users;
    assert.equal(p2.totalCount, p1.totalCount);
    assert.equal(p2.edges.length, Math.min(20, p1.totalCount - 20));
    assert.equal(p2.pageInfo.hasNextPage, p1.totalCount > 40);
    const page1 = new Set(p1.edges.map((e) => e.node.id));
    const overlap = p2.edges.filter((e) => page1.has(e.node.id));
    assert.deepEqual(overlap, [], 'the second page repeats no user of the first');
    assert.equal(new Set(p2.edges.map((e) => e.cursor)).size, p2.edges.length, 'cursors are unique');
  });

  test('runs a mutation with variables and reads the result back', async () => {
    const msg = 'Reviewing the e2e suite';
    const res = await client.mutate({ mutation: SET_STATUS, variables: { status: 'AWAY', msg } });
    assert.equal(res.data.setStatus, true);

    const me = await client.query({ query: ME });
    assert.equal(me.data.me.id, demoHeaders['X-User-Id']);
    assert.equal(me.data.me.username, 'demo');
    assert.equal(me.data.me.statusText, msg);
    assert.equal(me.data.me.presence.status, 'AWAY');
  });

  test('a variable of the wrong type is refused before it reaches Rocket.Chat', async () => {
    await assert.rejects(
      client.mutate({ mutation: SET_STATUS, variables: { status: 'ASLEEP', msg: 'x' } }),
      (err) => {
        assert.match(String(err.message), /ASLEEP|SettableUserStatus|status/);
        return true;
      },
    );
    const me = await client.query({ query: ME });
    assert.notEqual(me.data.me.statusText, 'x');
  });
});
