/** Targets of nsfs links and fds as text: `net:[4026531833]`; parsed as the bytes a scan reads (linkBytes.ts). */
import { linkInode } from './linkBytes';

const LINK_TYPE = /^[a-z_]+$/;

/** The inode of a link target of the form `net:[4026531833]`; NaN for any other form. */
export function nsLinkInode(target: string): number {
  const bytes = Buffer.from(target, 'utf8');
  return linkInode(bytes, bytes.length);
}

/** Parses a link target of the form `net:[4026531833]` (also `socket:[…]`); null for any other form. */
export function parseNsLink(target: string): { type: string; ino: number } | null {
  const ino = nsLinkInode(target);
  const type = target.slice(0, target.indexOf(':['));
  return Number.isNaN(ino) || !LINK_TYPE.test(type) ? null : { type, ino };
}
