// Apollo Federation v2: compose rocketgql's subgraph SDL with a second subgraph (reviews by users),
// run @apollo/gateway in front of both on loopback, forward the caller's credentials to rocketgql, and
// check a query crossing both subgraphs answers exactly what rocketgql answers on its own.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { graphqlURL, adminHeaders, demoHeaders, gql } from '../lib/gateway.js';
import { startReviewsSubgraph, reviewsTypeDefs } from '../lib/reviews-subgraph.js';

// Nothing of Apollo's may phone home: no graph key, so no usage reporting and no uplink.
for (const name of ['APOLLO_KEY', 'APOLLO_GRAPH_REF', 'APOLLO_SCHEMA_CONFIG_DELIVERY_ENDPOINT']) delete process.env[name];

const forwarded = ['x-auth-token', 'x-user-id'];

describe('Apollo Federation v2', () => {
  let reviews, server, routerURL, authors;
  const sent = []; // every request the router sends to a subgraph

  before(async () => {
    // The authors: the two demo accounts and the first few other users, by id, from rocketgql itself.
    const { data } = await gql('{ users(first: 6, orderBy: { field: USERNAME }) { nodes { id username } } }', {
      headers: adminHeaders,
    });
    const ids = new Set([adminHeaders['X-User-Id'], demoHeaders['X-User-Id']]);
    for (const u of data.users.nodes) ids.add(u.id);
    authors = [...ids];
    assert.ok(authors.length >= 4, `expected at least 4 users, got ${JSON.stringify(data)}`);
    reviews = await startReviewsSubgraph(authors);
  });

  after(async () => {
    await server?.stop();
    await reviews?.close();
  });

  test('rocketgql publishes a Federation v2 subgraph SDL with User as an entity', async () => {
    const { data } = await gql('{ _service { sdl } }');
    const sdl = data._service.sdl;
    assert.match(sdl, /specs\.apollo\.dev\/federation\/v2/);
    assert.match(sdl, /type User @key\(fields: "id"\)/);
  });

  test('the supergraph composes and @apollo/gateway answers a query across both subgraphs', async () => {
    const { data } = await gql('{ _service { sdl } }');
    const composed = composeServices([
      { name: 'rocketgql', typeDefs: parse(data._service.sdl), url: graphqlURL },
      { name: 'reviews', typeDefs: reviewsTypeDefs, url: reviews.url },
    ]);
    assert.deepEqual(composed.errors ?? [], [], `composition errors: ${(composed.errors ?? []).map((e) => e.message).join('\n')}`);
    assert.match(composed.supergraphSdl, /join__graph\(name: "rocketgql"/);

    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource({
          url,
          willSendRequest({ request, context }) {
            sent.push({ url, query: request.query, variables: request.variables });
            for (const name of forwarded) {
              if (context.headers?.[name]) request.http.headers.set(name, context.headers[name]);
            }
          },
        }),
    });
    server = new ApolloServer({ gateway, introspection: false });
    const { url } = await startStandaloneServer(server, {
      listen: { host: '127.0.0.1', port: 0 },
      context: async ({ req }) => ({
        headers: Object.fromEntries(forwarded.map((name) => [name, req.headers[name]]).filter(([, v]) => v)),
      }),
    });
    routerURL = url;

    const query = '{ reviews { id body author { id username name presence { status } } } }';
    const routed = await gql(query, { url: routerURL, headers: demoHeaders });
    assert.equal(routed.data.reviews.length, reviews.reviews.length);

    // Each author, as rocketgql answers user(id:) itself for the same caller.
    const direct = new Map();
    for (const id of authors) {
      const { data: d } = await gql(
        'query($id: ID!) { user(id: $id) { id username name presence { status } } }',
        { variables: { id }, headers: demoHeaders },
      );
      assert.ok(d.user, `rocketgql knows user ${id}`);
      direct.set(id, d.user);
    }
    for (const [i, review] of routed.data.reviews.entries()) {
      const want = reviews.reviews[i];
      assert.equal(review.id, want.id);
      assert.equal(review.body, want.body);
      assert.deepEqual(review.author, direct.get(want.authorId), `author of ${review.id}`);
    }
    const usernames = new Set(routed.data.reviews.map((r) => r.author.username));
    assert.ok(usernames.has('admin') && usernames.has('demo'), `authors: ${[...usernames]}`);
  });

  test("the router forwards each caller's own credentials to rocketgql", async () => {
    assert.ok(routerURL, 'the router started in the previous test');
    const query = '{ me { id username } reviews { id } }';
    const asAdmin = await gql(query, { url: routerURL, headers: adminHeaders });
    const asDemo = await gql(query, { url: routerURL, headers: demoHeaders });
    assert.deepEqual(asAdmin.data.me, { id: adminHeaders['X-User-Id'], username: 'admin' });
    assert.deepEqual(asDemo.data.me, { id: demoHeaders['X-User-Id'], username: 'demo' });

    const anonymous = await gql(query, { url: routerURL, allowErrors: true });
    assert.equal(anonymous.data?.me ?? null, null, 'no credentials, no caller');
    const codes = (anonymous.errors ?? []).map((e) => e.extensions?.code);
    assert.ok(codes.includes('UNAUTHENTICATED'), `errors without credentials: ${JSON.stringify(anonymous.errors)}`);
    assert.equal(anonymous.data?.reviews?.length, reviews.reviews.length, 'the reviews subgraph still answers');
  });

  test('the authors of every review come from rocketgql in one _entities request', async () => {
    assert.ok(routerURL, 'the router started in an earlier test');
    sent.length = 0;
    const routed = await gql('{ reviews { author { id username } } }', { url: routerURL, headers: demoHeaders });
    const toRocketgql = sent.filter((s) => s.url === graphqlURL);
    assert.equal(toRocketgql.length, 1, `requests to rocketgql: ${JSON.stringify(toRocketgql)}`);
    assert.match(toRocketgql[0].query, /_entities\(representations:/);
    const reps = toRocketgql[0].variables.representations;
    assert.deepEqual(new Set(reps.map((r) => r.id)), new Set(authors));
    for (const [i, review] of routed.data.reviews.entries()) {
      assert.equal(review.author.id, reviews.reviews[i].authorId);
    }
  });
});
