import { buildSubgraphSchema } from '@apollo/subgraph';
import { type DocumentNode, type GraphQLSchema, parse } from 'graphql';

/**
 * The workload of The Guild's federation gateway benchmark (graphql-hive/graphql-gateways-benchmark):
 * its four subgraphs (accounts, products, reviews, inventory) with the same schemas and the same
 * data, here in Node, and its one heavy nested query: an ordinary nested read of another team's
 * supergraph, with no `@listSize` anywhere. The router benchmark runs every router on it; the
 * router's tests check its default limits admit it.
 */
const fed = (imports: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;

// Federation 2 asks for @shareable where reviews @provides the username accounts owns.
const ACCOUNTS = parse(`${fed('"@key", "@shareable"')}
type Query { me: User user(id: ID!): User users: [User] }
type User @key(fields: "id") { id: ID! name: String username: String @shareable birthday: Int }`);

const PRODUCTS = parse(`${fed('"@key"')}
type Query { topProducts(first: Int = 5): [Product] }
type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`);

const REVIEWS = parse(`${fed('"@key", "@external", "@provides"')}
type Review @key(fields: "id") { id: ID! body: String product: Product author: User @provides(fields: "username") }
type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
type Product @key(fields: "upc") { upc: String! reviews: [Review] }`);

const INVENTORY = parse(`${fed('"@key", "@external", "@requires"')}
type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}`);

const USERS = [
  ['1', 'Uri Goldshtein', 'urigo'],
  ['2', 'Dotan Simha', 'dotansimha'],
  ['3', 'Kamil Kisiela', 'kamilkisiela'],
  ['4', 'Arda Tanrikulu', 'ardatan'],
  ['5', 'Gil Gardosh', 'gilgardosh'],
  ['6', 'Laurin Quast', 'laurin'],
].map(([id, name, username]) => ({ id: id!, name, username, birthday: 1234567890 }));

const PRODUCT_ROWS = [
  ['1', 'Table', 899, 100],
  ['2', 'Couch', 1299, 1000],
  ['3', 'Glass', 15, 20],
  ['4', 'Chair', 499, 100],
  ['5', 'TV', 1299, 1000],
  ['6', 'Lamp', 6999, 300],
  ['7', 'Grill', 3999, 2000],
  ['8', 'Fridge', 100000, 6000],
  ['9', 'Sofa', 9999, 800],
].map(([upc, name, price, weight]) => ({ upc: upc as string, name, price, weight }));

const IN_STOCK = new Set(['1', '5', '6', '7', '9']);

// The benchmark's review texts are lorem ipsum of four lengths; these have the same lengths.
const text = (length: number) =>
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20).slice(0, length);
const BODIES = [446, 294, 263, 143, 446, 294, 263, 143, 143, 143, 927];
const REVIEW_ROWS = BODIES.map((length, i) => ({
  id: String(i + 1),
  body: text(length),
  product: { upc: i < 4 ? '1' : i < 8 ? '2' : i === 8 ? '3' : '4' },
}));

const reviewsOfUser = () => REVIEW_ROWS.slice(0, 2);

export function guildSubgraphs(): { name: string; typeDefs: DocumentNode; schema: GraphQLSchema }[] {
  const build = (name: string, typeDefs: DocumentNode, resolvers: unknown) => ({
    name,
    typeDefs,
    schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }),
  });
  return [
    build('accounts', ACCOUNTS, {
      Query: {
        me: () => USERS[0],
        user: (_: unknown, { id }: { id: string }) => USERS.find((u) => u.id === id) ?? null,
        users: () => USERS,
      },
      User: { __resolveReference: (ref: { id: string }) => USERS.find((u) => u.id === ref.id) },
    }),
    build('products', PRODUCTS, {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => PRODUCT_ROWS.slice(0, first) },
      Product: { __resolveReference: (ref: { upc: string }) => PRODUCT_ROWS.find((p) => p.upc === ref.upc) },
    }),
    build('reviews', REVIEWS, {
      Review: {
        __resolveReference: (ref: { id: string }) => REVIEW_ROWS.find((r) => r.id === ref.id),
        author: () => ({ id: '1', username: 'urigo', reviews: reviewsOfUser() }),
      },
      User: {
        __resolveReference: (ref: { id: string }) => ({
          id: ref.id,
          username: 'user',
          reviews: reviewsOfUser(),
        }),
      },
      Product: {
        __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc }),
        reviews: (product: { upc: string }) => REVIEW_ROWS.filter((r) => r.product.upc === product.upc),
      },
    }),
    build('inventory', INVENTORY, {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
          ...ref,
          inStock: IN_STOCK.has(ref.upc),
        }),
        shippingEstimate: (p: { price?: number | null; weight?: number | null }) =>
          p.price == null ? null : p.price > 1000 ? 0 : p.weight == null ? null : Math.floor(p.weight / 2),
      },
    }),
  ];
}

/** The benchmark's query (its k6 script's), as every router gets it. */
export const GUILD_QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
      }
    }
  }
  topProducts {
    ...Product
    reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
  }
}`;
