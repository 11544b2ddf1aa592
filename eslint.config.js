import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'channels/web/static/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Data flows channels → bots → dialogs → db: dialogs know no channel, and no bot the log library.
    files: ['dialogs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/channels/**'], message: 'dialogs never import channels' }] }] },
  },
  {
    files: ['bots/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/channels/logger*'], message: 'use dialogs/log.ts' }] }] },
  },
  {
    // What the app loads at start: heavy libraries it needs later (or only in part) are loaded when needed.
    files: ['index.ts', 'config.ts', 'bots/**/*.ts', 'dialogs/**/*.ts', 'channels/**/*.ts', 'db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'botbuilder-dialogs', allowTypeImports: true, message: 'import the classes from dialogs/framework.ts (the index loads every prompt and recognizer)' },
            { name: 'pdfmake', allowTypeImports: true, message: 'loaded with the first document, in channels/documents/render.ts' },
            { name: 'oidc-provider', allowTypeImports: true, message: 'loaded when the development provider is first used, in channels/signin/devIdp.ts' },
          ],
        },
      ],
    },
  },
  {
    files: ['channels/web/static/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['db/cli.ts', 'dialogs/recognizer/cli.ts', 'channels/reminders/cli.ts', 'test/**/*.ts', 'index.ts'],
    rules: { 'no-console': 'off' },
  },
);
