// A second Apollo Federation v2 subgraph for the federation test: reviews written about rocketgql's
// users, referring to User by id only (rocketgql resolves the rest). Served by graphql-http on loopback.
import http from 'node:http';
import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createHandler } from 'graphql-http/lib/use/http';

export const reviewsTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    "Every review, in a fixed order."
    reviews: [Review!]!
  }

  type Review @key(fields: "id") {
    id: ID!
    body: String!
    author: User!
  }

  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }
`);

/**
 * startReviewsSubgraph serves reviews by the given author ids (one or two each) on 127.0.0.1 and
 * resolves to { url, reviews, close }.
 */
export async function startReviewsSubgraph(authorIds) {
  const reviews = authorIds.flatMap((authorId, i) => {
    const own = [{ id: `r${i}a`, body: `Review ${i}a of ${authorId}`, authorId }];
    if (i % 2 === 0) own.push({ id: `r${i}b`, body: `Review ${i}b of ${authorId}`, authorId });
    return own;
  });
  const byId = new Map(reviews.map((r) => [r.id, r]));
  const schema = buildSubgraphSchema({
    typeDefs: reviewsTypeDefs,
    resolvers: {
      Query: { reviews: () => reviews },
      Review: {
        __resolveReference: (ref) => byId.get(ref.id) ?? null,
        author: (review) => ({ __typename: 'User', id: review.authorId }),
      },
    },
  });
  const handler = createHandler({ schema });
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/graphql')) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    reviews,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
