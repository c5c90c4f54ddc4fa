/**
 * Every selector of the workbench's own DOM that the e2e tests use, pinned to code-server
 * 4.100.3 (VS Code 1.100.3): a VS Code that draws its parts differently changes this file
 * only. The extension's own webview pages (ids such as #mount-table) are the tests' to name.
 */

/** Quotes S for a CSS attribute value in double quotes. */
export const cssString = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export const WORKBENCH = {
  root: '.monaco-workbench',
  /** The workbench's theme: the root has `vs` (light), `vs-dark` or `hc-black` among its classes. */
  themeClasses: { light: 'vs', dark: 'vs-dark' },
  activityBarEntries: '.part.activitybar a[aria-label]',
  activityBarEntry: (title: string) => `.part.activitybar a[aria-label^="${cssString(title)}"]`,
  sidebar: '.part.sidebar',
  panel: '.part.panel',
  statusBar: '.part.statusbar',
  /** The sash between two parts, dragged to resize them. */
  verticalSash: '.monaco-sash.vertical',
};

export const VIEWS = {
  pane: '.pane',
  paneHeader: '.pane-header',
  paneTitle: '.pane-header h3.title',
  paneDescription: '.pane-header .description',
  /** The actions of a pane's header, drawn while the pointer is over it. */
  paneActions: '.actions .action-label',
  paneAction: (label: string) => `.actions .action-label[aria-label="${cssString(label)}"]`,
  /** The actions in the title bar of a view container that holds one view. */
  containerActions: '.composite.title .title-actions .action-label',
  containerAction: (label: string) => `.composite.title .title-actions .action-label[aria-label="${cssString(label)}"]`,
  /** What a view shows in place of its tree (viewsWelcome). */
  welcome: '.welcome-view-content',
};

export const TREE = {
  /** A row of a tree, not one of the copies of ancestor rows that sticky scroll pins above it. */
  row: '.monaco-list-rows > .monaco-list-row[role="treeitem"]',
  /** Of a row of a tree or a list: its label, its description, its expand arrow. */
  label: '.label-name',
  iconLabel: '.monaco-icon-label',
  description: '.label-description',
  /** The icon of a row of a custom tree view (an extension's). */
  icon: '.custom-view-tree-node-item-icon',
  twistie: '.monaco-tl-twistie',
  /** The row with the keyboard focus carries this class. */
  focused: '.focused',
  /** The list element of a tree has this class, and one `list_id_N` of its own. */
  listClass: 'monaco-list',
  listId: /^list_id_\d+$/,
};

/** A hover: a tree row's tooltip, or a notification's. */
export const HOVER = '.monaco-hover, .workbench-hover';

export const QUICK_INPUT = {
  widget: '.quick-input-widget',
  title: '.quick-input-widget .quick-input-title',
  input: '.quick-input-widget .quick-input-box input',
  message: '.quick-input-widget .quick-input-message',
  list: '.quick-input-widget .quick-input-list .monaco-list',
  rows: '.quick-input-widget .quick-input-list .monaco-list-row',
  separator: '.quick-input-list-separator-as-item',
  /** Inside a row: its own label and description. */
  rowContent: '.quick-input-list-rows > .quick-input-list-row',
  /** The widget has this class in a multi-select (canSelectMany) pick. */
  checkboxesClass: 'show-checkboxes',
  checkbox: '.monaco-checkbox',
  okButton: '.quick-input-action .monaco-button',
};

export const TERMINAL = {
  /** One per terminal of the group shown; `.active` in the panel. */
  wrapper: '.terminal-wrapper',
  active: '.terminal-wrapper.active',
  focused: '.terminal-wrapper.active:has(.xterm.focus)',
  rows: '.xterm-rows',
  input: '.xterm-helper-textarea',
  /** The tab list once there are two terminals; the single tab in the panel's header before. */
  tab: '.terminal-tabs-entry',
  tabLabel: '.label-name',
  tabIconLabel: '.monaco-icon-label',
  singleTab: '.single-terminal-tab',
};

export const NOTIFICATIONS = {
  toast: '.notification-toast',
  message: '.notification-list-item-message',
  clear: '.codicon-notifications-clear',
  /** A toast gets this class once its fade-in transition has ended. */
  fadedInClass: 'notification-fade-in-done',
};

export const EDITOR = {
  /** The text of a text editor or an output channel. */
  lines: '.view-lines',
  tab: '.tabs-container .tab',
  activeTab: '.tabs-container .tab.active',
};

/** The walkthrough page (the getting-started editor); a step id is `<publisher>.<name>#<walkthrough>#<step>`. */
export const WALKTHROUGH = {
  /** The walkthrough's title, once its page is shown. */
  title: '.gettingStartedContainer .getting-started-category .category-title',
  step: (id: string) => `.gettingStartedContainer button.getting-started-step[data-step-id="${cssString(id)}"]`,
  /** Inside a step: its title, its checkbox (aria-checked), the buttons its description's links became. */
  stepTitle: '.step-title',
  stepCheckbox: '[role="checkbox"][data-done-step-id]',
  stepButton: '.step-description-container .button-container .monaco-button',
};

export const WEBVIEW = {
  /** VS Code's host page of a webview, once it is loaded; the extension's page is the iframe inside. */
  host: 'iframe.webview.ready',
  content: 'iframe#active-frame',
};
