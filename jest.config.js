// Four tiers (docs/testing.md): unit (no ports, no services), integration (real etcd/Redis),
// e2e (spawned tollgate processes), fuzz (seeded fast-check runs against real listeners; the
// gateway fuzz spawns the built `tollgate`). `@tollgate/*` resolves to sources, so other tests
// need no build.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
};
const moduleNameMapper = {
  '^@tollgate/(admin-api|gateway|cli)$': '<rootDir>/apps/$1/src',
  '^@tollgate/([a-z-]+)$': '<rootDir>/packages/$1/src',
  // A package's second entry point (its `exports` map), e.g. `@tollgate/plugins/primary`.
  '^@tollgate/([a-z-]+)/([a-z-]+)$': '<rootDir>/packages/$1/src/$2',
};
const common = {
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
  setupFiles: ['<rootDir>/test/services/quiet-logs.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{packages,apps}/*/src/**/*.test.ts',
        '<rootDir>/test/deploy/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,apps}/*/test/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/services/global-setup.ts',
      globalTeardown: '<rootDir>/test/services/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/services/global-setup.ts',
      globalTeardown: '<rootDir>/test/services/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'fuzz',
      testMatch: ['<rootDir>/test/fuzz/**/*.fuzz.test.ts'],
      globalSetup: '<rootDir>/test/services/global-setup.ts',
      globalTeardown: '<rootDir>/test/services/global-teardown.ts',
    },
  ],
};
