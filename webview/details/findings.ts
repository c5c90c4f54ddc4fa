/** The Findings section at the top of the page: what a person would miss, with its fix and buttons. */
import type { DetailsFinding, DetailsFindingAction, DetailsView } from '../../src/ui/details/protocol';
import { byId, fill, h } from '../shared/dom';

const ACTION_ICON: Readonly<Record<DetailsFindingAction['do'], string>> = {
  copy: 'copy',
  run: 'terminal',
  reveal: 'go-to-file',
  dismiss: 'close',
};

export function renderFindings(view: DetailsView): void {
  const box = byId('findings');
  box.hidden = view.findings.length === 0;
  if (box.hidden) return box.replaceChildren();
  fill(
    box,
    h(
      'h2',
      { id: 'findings-heading' },
      h('span', { class: 'codicon codicon-lightbulb', 'aria-hidden': 'true' }),
      `Findings (${view.findings.length})`,
    ),
    h('ul', {}, ...view.findings.map(findingItem)),
  );
}

function findingItem(f: DetailsFinding): HTMLElement {
  const icon = f.severity === 'warning' ? 'warning' : 'info';
  return h(
    'li',
    { class: `finding ${f.severity}`, 'data-key': f.key },
    h(
      'p',
      { class: 'finding-text' },
      h('span', { class: `codicon codicon-${icon}`, 'aria-label': f.severity }),
      h('strong', {}, f.text),
    ),
    h('p', { class: 'finding-meaning' }, ...withCode(f.meaning)),
    ...f.commands.map((c) => h('pre', { class: 'finding-command' }, h('code', {}, c))),
    h(
      'p',
      { class: 'finding-actions' },
      ...f.actions.map((a) =>
        h(
          'vscode-button',
          {
            class: 'finding-action',
            secondary: a.do !== 'run',
            icon: ACTION_ICON[a.do],
            'data-key': f.key,
            'data-index': a.index,
            'data-do': a.do,
            'data-focus': `finding-${f.key}-${a.do}-${a.index}`,
          },
          a.label,
        ),
      ),
    ),
  );
}

/** Text with `code` between backticks, as text nodes and code elements (never markup). */
function withCode(text: string): (string | HTMLElement)[] {
  return text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}
