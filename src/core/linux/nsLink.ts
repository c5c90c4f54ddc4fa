/** Targets of nsfs links and fds: `net:[4026531833]`. */

const LINK_TYPE = /^[a-z_]+$/;
const DIGITS = /^\d+$/;

/** The inode of a link target of the form `net:[4026531833]`; NaN for any other form. */
export function nsLinkInode(target: string): number {
  const open = target.indexOf(':[');
  const digits = open > 0 && target.charCodeAt(target.length - 1) === 93 /* ] */ ? target.slice(open + 2, -1) : '';
  return DIGITS.test(digits) ? Number(digits) : NaN;
}

/** Parses a link target of the form `net:[4026531833]` (also `socket:[…]`); null for any other form. */
export function parseNsLink(target: string): { type: string; ino: number } | null {
  const ino = nsLinkInode(target);
  const type = target.slice(0, target.indexOf(':['));
  return Number.isNaN(ino) || !LINK_TYPE.test(type) ? null : { type, ino };
}
