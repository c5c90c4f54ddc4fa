/**
 * The network map as SVG text, from its layout: the panel shows it and makes it act
 * (cards, badges and wires carry their namespace, interface and links as data), and
 * Export writes it with a style of its own. Every text in it is escaped.
 */
import { escapeXml, printable } from '../text/printable';
import { badgeText, badgeTooltip, FirewallBadge } from './cardContent';
import { BADGE_H, CardBox, FOOT_H, MapLayout, WireBox } from './layout';
import type { GraphInterface, NetGraph } from './graph';

export interface MapMarks {
  appeared: ReadonlySet<number>;
  gone: ReadonlySet<number>;
  newLinks: ReadonlySet<number>;
}

const NO_MARKS: MapMarks = { appeared: new Set(), gone: new Set(), newLinks: new Set() };
/** What fits on a badge at the card's width; the whole text is its tooltip. */
const BADGE_CHARS = 40;
const px = (n: number) => String(Math.round(n * 10) / 10);
const text = (s: string) => escapeXml(printable(s));

/** Colours for a file that is shown without the panel's theme. */
const STANDALONE_STYLE = `
.netmap{font-family:sans-serif;font-size:11px;background:#fff}
.card-box{fill:#f6f8fa;stroke:#8c959f}.card.host .card-box{stroke:#0969da;stroke-width:2}
.card-title{font-weight:bold;font-size:12px;fill:#1f2328}.card-sub,.card-foot{fill:#57606a}
.badge-box{fill:#fff;stroke:#d0d7de}.badge text{fill:#1f2328;font-family:monospace}
.state-up .badge-state{fill:#1a7f37}.state-down .badge-state{fill:#8c959f}.state-unknown .badge-state{fill:#bf8700}
.wire{fill:none;stroke:#57606a;stroke-width:1.5}.wire.extra{stroke-dasharray:4 3}
.wire.kind-bridge-port{stroke:#0969da}.wire.kind-macvlan,.wire.kind-vxlan{stroke:#8250df}
.outside line{stroke:#cf222e;stroke-width:2}.outside text{fill:#cf222e}
.fw-box{fill:#fff;stroke:#8c959f}.firewall text{fill:#1f2328;font-size:10px}
.firewall.filters .fw-box,.firewall.nat .fw-box{fill:#fff8c5;stroke:#bf8700}`;

export function mapSvg(
  graph: NetGraph,
  layout: MapLayout,
  options: { marks?: MapMarks; standalone?: boolean } = {},
): string {
  const marks = options.marks ?? NO_MARKS;
  const byNs = new Map(graph.namespaces.map((n) => [n.ns, n]));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="netmap" width="${px(layout.width)}" ` +
      `height="${px(layout.height)}" viewBox="0 0 ${px(layout.width)} ${px(layout.height)}">`,
  ];
  if (options.standalone) out.push(`<style>${STANDALONE_STYLE}</style>`);
  out.push('<g class="wires">', ...layout.wires.map((w) => wireSvg(w, marks)), '</g>');
  out.push('<g class="outside">', ...layout.outside.map(outsideSvg), '</g>');
  out.push('<g class="cards">');
  for (const card of layout.cards) out.push(cardSvg(card, byNs.get(card.ns)?.container !== undefined, marks));
  out.push('</g></svg>');
  return out.join('\n');
}

function wireSvg(w: WireBox, marks: MapMarks): string {
  const classes = [
    'wire',
    `kind-${w.kind}`,
    w.extra && 'extra',
    w.links.some((l) => marks.newLinks.has(l)) && 'appeared',
  ];
  return (
    `<polyline class="${classes.filter(Boolean).join(' ')}" data-links="${w.links.join(' ')}" ` +
    `data-ns="${w.ns.join(' ')}" points="${w.points.map(([x, y]) => `${px(x)},${px(y)}`).join(' ')}"/>`
  );
}

function outsideSvg(o: MapLayout['outside'][number]): string {
  return (
    `<g data-ns="${o.ns}" data-if="${text(o.ifname)}"><line x1="${px(o.x)}" y1="${px(o.y)}" x2="${px(o.x - 90)}" ` +
    `y2="${px(o.y)}"/><text x="${px(o.x - 90)}" y="${px(o.y - 4)}">to the outside</text></g>`
  );
}

function cardSvg(card: CardBox, container: boolean, marks: MapMarks): string {
  const c = card.content;
  const classes = ['card'];
  if (c.title === 'host') classes.push('host');
  if (marks.appeared.has(card.ns)) classes.push('appeared');
  if (marks.gone.has(card.ns)) classes.push('gone');
  if (c.footer.some((f) => f.startsWith('not read'))) classes.push('partial');
  const search = [c.title, c.subtitle, ...c.badges.flatMap((b) => [b.name, ...b.addresses])].join(' ').toLowerCase();
  const context = JSON.stringify({
    webviewSection: container ? 'containerCard' : 'card',
    ns: card.ns,
    preventDefaultContextMenuItems: true,
  });
  const out = [
    `<g class="${classes.join(' ')}" data-ns="${card.ns}" data-search="${text(search)}" ` +
      `data-vscode-context="${escapeXml(context)}" transform="translate(${px(card.x)},${px(card.y)})" tabindex="0">`,
    `<title>${text(`${c.title}\n${c.subtitle}`)}</title>`,
    `<rect class="card-box" width="${px(card.w)}" height="${px(card.h)}" rx="6"/>`,
    `<text class="card-title" x="10" y="17">${text(clip(c.title, 36))}</text>`,
    `<text class="card-sub" x="10" y="32">${text(c.subtitle)}</text>`,
  ];
  c.badges.forEach((b, i) => out.push(badgeSvg(b, card, 40 + i * BADGE_H, c.folded.get(b.name))));
  let footTop = 40 + c.badges.length * BADGE_H;
  if (c.firewall) {
    out.push(firewallSvg(c.firewall, footTop));
    footTop += FOOT_H;
  }
  c.footer.forEach((f, i) =>
    out.push(
      `<text class="card-foot" x="10" y="${px(footTop + 12 + i * 16)}">` +
        `${text(clip(f, 44))}<title>${text(f)}</title></text>`,
    ),
  );
  out.push('</g>');
  return out.join('\n');
}

function badgeSvg(b: GraphInterface, card: CardBox, y: number, folded: number | undefined): string {
  const state = b.state === null ? 'unknown' : b.state === 'UP' ? 'up' : b.state === 'DOWN' ? 'down' : 'unknown';
  const indent = b.master ? 14 : 0;
  const words = badgeText(b, folded);
  // Its menu adds Capture Traffic… to the card's (VS Code merges the contexts, the inner one last).
  const context = escapeXml(JSON.stringify({ ifname: b.name }));
  return (
    `<g class="badge state-${state}" data-if="${text(b.name)}" data-vscode-context="${context}">` +
    `<title>${text(badgeTooltip(b, folded))}</title>` +
    `<rect class="badge-box" x="${6 + indent}" y="${y + 1}" width="${px(card.w - 12 - indent)}" ` +
    `height="${BADGE_H - 2}" rx="3"/>` +
    `<rect class="badge-state" x="${6 + indent}" y="${y + 1}" width="4" height="${BADGE_H - 2}"/>` +
    `<text x="${14 + indent}" y="${y + 14}">${text(clip(words, BADGE_CHARS - indent / 7))}</text></g>`
  );
}

/** The firewall's words as small pills in a row; the tooltip says them in full. */
function firewallSvg(f: FirewallBadge, top: number): string {
  let x = 10;
  const pills = f.words.map((w) => {
    const width = w.length * 6 + 8;
    const pill =
      `<rect class="fw-box" x="${x}" y="${top + 2}" width="${width}" height="${FOOT_H - 3}" rx="6"/>` +
      `<text x="${x + 4}" y="${top + 12}">${text(w)}</text>`;
    x += width + 4;
    return pill;
  });
  const kinds = ['firewall', ...f.words.filter((w) => w === 'filters' || w === 'NAT').map((w) => w.toLowerCase())];
  return `<g class="${kinds.join(' ')}"><title>${text(f.tooltip)}</title>${pills.join('')}</g>`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.floor(n) - 1)}…` : s);
