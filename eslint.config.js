import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // public/: minified static assets built by scripts/build-ui.ts.
  { ignores: ['node_modules', 'dist', '.wrangler', 'coverage', 'test-artifacts', 'docs', 'public'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Worker code uses zod/mini, which tree-shakes: one runtime import of classic 'zod' bundles all of it.
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'zod',
              message: "Use import * as z from 'zod/mini' (classic zod is not tree-shakeable).",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // src/core is pure: no I/O, no framework, no adapters (DESIGN.md §2)
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'hono',
            'hono/*',
            'axios',
            '../store/*',
            '../services/*',
            '../../adapters/*',
            'wrangler',
          ],
        },
      ],
    },
  },
);
