// One lint tool. Beyond the recommended rules, it keeps the layers flowing one way
// (docs/architecture.md): pure code in app/lib imports no UI, map, store or worker code, and
// the workers import no UI.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const UI_PACKAGES = ['react', 'react-dom', 'react-dom/*', 'maplibre-gl', 'maplibre-gl/*', '@deck.gl/*', 'zustand', 'zustand/*']

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'e2e/.fixtures', 'bench/.cache'] },
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
  {
    files: ['app/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: UI_PACKAGES, message: 'app/lib is pure TypeScript: no UI, map or store imports.' },
            { group: ['**/state/*', '**/ui/*', '**/map/*', '**/services/*', '**/workers/*'], message: 'app/lib must not import from higher layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: UI_PACKAGES, message: 'Workers import no UI, map or store code.' },
            { group: ['**/app/state/*', '**/app/ui/*', '**/app/map/*', '**/app/services/*'], message: 'Workers use app/lib only.' },
          ],
        },
      ],
    },
  },
)
