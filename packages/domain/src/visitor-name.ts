/**
 * One name for a visitor everywhere (queue, inbox, offers, visitor panel, recordings,
 * transcripts): the name they gave, else a short tag of their *visitor* id. Naming them by a
 * conversation id made the same person "#300C6B" in one list and "#03ADB4" in the next.
 */

/** Characters of the visitor id shown in the tag: short to read aloud, enough to tell apart. */
export const VISITOR_TAG_LENGTH = 6;

/** A short, stable tag of a visitor id: its first alphanumerics, upper-case ("3F2A9C"). */
export function visitorTag(visitorId: string): string {
  return visitorId
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, VISITOR_TAG_LENGTH)
    .toUpperCase();
}

export interface NameableVisitor {
  /** The visitor's id (never a conversation's). */
  id: string;
  /** What they told us, or what the business's identity said; blank counts as unknown. */
  name?: string | null | undefined;
}

/**
 * The visitor's display name. `anonymous` words the tag in the reader's language (the UIs pass
 * their translation of "Visitor #{id}"); the default is the English form, for logs and files.
 */
export function visitorDisplayName(
  visitor: NameableVisitor,
  anonymous: (tag: string) => string = (tag) => `Visitor #${tag}`,
): string {
  const name = visitor.name?.replace(/\s+/g, ' ').trim();
  return name || anonymous(visitorTag(visitor.id));
}
