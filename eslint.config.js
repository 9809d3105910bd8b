// One lint tool. Beyond the recommended rules, it keeps the layers flowing one way
// (docs/architecture.md) with the table in scripts/layers.mjs: pure code in app/lib imports no
// UI, map, store or worker code, the workers import only app/lib, the store no React or map,
// services no map or UI, map and UI no workers, and only tests import app/lib/testing.
// `npm run check:imports` applies the same table to resolved paths and finds import cycles.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { eslintLayerBlocks } from './scripts/layers.mjs'

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'e2e/.fixtures', 'bench/.cache', '.cache'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text, never HTML from data or URLs.' },
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Render text, never HTML from data or URLs.' },
        { selector: "CallExpression[callee.name='eval']", message: 'Nothing from a URL or a file is ever run as code.' },
        { selector: "NewExpression[callee.name='Function']", message: 'Nothing from a URL or a file is ever run as code.' },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // The layers (scripts/layers.mjs, shared with scripts/check-imports.mjs): one block per layer and
  // folder depth, and one for its test files, each listing what that file may not import.
  ...eslintLayerBlocks(),
)
