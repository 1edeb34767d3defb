import { defineConfig } from 'vitest/config';

/**
 * Three test projects: `unit` (pure rules, no AWS), `infra` (CDK assertions and cdk-nag, no bundling),
 * `integration` (the HTTP API against the local emulators, booted once by a global setup).
 */
export default defineConfig({
  test: {
    projects: [
      // Error-path tests log on purpose; keep the output to the results.
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
