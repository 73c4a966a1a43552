// Lint rules (style.md §1.6): type-checked typescript-eslint, no floating or misused promises,
// type-only imports, node: protocol, no console, process.env only in packages/core/src/env.ts,
// no global fetch in packages (every upstream call goes through undici), and no key computed from
// data that can reach Object.prototype (tooling/eslint/own-keys-only.mjs explains why, issue 9).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import tollgate from './tooling/eslint/own-keys-only.mjs';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'packages/schema/src/generated/**',
      '**/*.js',
      '**/*.mjs',
      '.tollgate/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.eslint.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(fs|path|http|https|net|os|crypto|child_process|util|url|stream|events|zlib|dns|tls|cluster|worker_threads|diagnostics_channel|timers|assert)(/.*)?$',
              message: 'use the node: protocol',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'read environment variables in packages/core/src/env.ts',
        },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'upstream calls go through undici in @tollgate/ai/transport' },
      ],
    },
  },
  {
    // Request and config data reach most modules, so the rule covers all sources; testkit is
    // test support and runs only against our own fixtures.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/testkit/**'],
    plugins: { tollgate },
    rules: { 'tollgate/own-keys-only': 'error' },
  },
  {
    files: [
      'packages/core/src/env.ts',
      'packages/testkit/src/**/*.ts',
      'test/**/*.ts',
      '**/*.test.ts',
      '**/test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: {
      'no-restricted-properties': 'off',
      'no-restricted-globals': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
