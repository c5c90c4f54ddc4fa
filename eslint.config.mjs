// The build's rules: typescript-eslint's recommended set, the layers' boundaries, and
// the size of a function a reader can hold in mind. Prettier owns the layout.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import local from './scripts/eslint/noImportCycle.mjs';

const MAX_FUNCTION_LINES = 80;
/** A test's title on the line of `test(`, or a line that is one quoted string. */
const UNWRAPPABLE_LINE = String.raw`^\s*(?:(?:test|it|describe)\(['"\x60]|(?<q>['"]).*\k<q>,?$)`;

/** A webview page runs in the browser: it may import its own protocol and webview/shared. */
const webviewPage = (panel) => ({
  files: [`webview/${panel}/**/*.ts`],
  languageOptions: { globals: globals.browser },
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(vscode|node:.*|\\.\\./(?!shared/|\\.\\./src/ui/${panel}/protocol$).*)$`,
            message: `webview/${panel} imports only src/ui/${panel}/protocol and webview/shared.`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'artifacts/', 'node_modules/', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A test's title is the sentence that says what it pins down, and Prettier keeps it on
      // the line of `test(` (wrapping it would indent the whole body once more) or alone on
      // the next line: a line that is one quoted string is left whole.
      'max-len': [
        'error',
        {
          code: 120,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignorePattern: UNWRAPPABLE_LINE,
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { local },
    rules: {
      'local/no-import-cycle': 'error',
      'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core is the engine of the CLI and the root helper: no vscode.' }],
          patterns: [{ regex: '/(ui|cli|privilege)(/|$)|webview/', message: 'src/core imports only src/core.' }],
        },
      ],
    },
  },
  webviewPage('propagation'),
  webviewPage('details'),
  webviewPage('network'),
  {
    files: ['webview/shared/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(vscode|node:.*|\\.\\./.*)$', message: 'webview/shared imports only itself.' }] },
      ],
    },
  },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
