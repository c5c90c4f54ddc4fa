/**
 * The e2e harness in one import for the tests; its parts live in harness/ (see README.md):
 * the workbench's lifecycle, the page objects, the selectors, the API state.
 */
export * from './harness/apiState';
export { needsE2e } from './harness/codeServer';
export * from './harness/lifecycle';
export * from './harness/namespaces';
export * from './harness/packaging';
export * from './harness/pages/menus';
export * from './harness/pages/notifications';
export * from './harness/pages/quickInput';
export * from './harness/pages/terminal';
export * from './harness/pages/treeView';
export * from './harness/pages/walkthrough';
export * from './harness/pages/webview';
export * from './harness/selectors';
export { framesDrawn, ms, TIMEOUT, waitUntil } from './harness/wait';
