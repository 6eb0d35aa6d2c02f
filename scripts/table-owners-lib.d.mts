// Types of table-owners-lib.mjs for the TypeScript test that runs it (table-owners.unit.test.ts).
export interface SourceFile { file: string; text: string }
export interface AllowedException { file: string; tables: string[]; why: string }
export interface TableOwnersResult {
  sqlInRoutes: string[];
  notAllowed: { file: string; table: string; owner: string }[];
  stale: string[];
  found: string[];
}
export const TABLE_OWNERS: Record<string, string>;
export const ALLOWED: AllowedException[];
export function moduleOf(file: string): string;
export function foreignTables(file: string, text: string): string[];
export function isRouteFile(file: string): boolean;
export function hasSql(text: string): boolean;
export function checkTableOwners(files: SourceFile[], allowed?: AllowedException[]): TableOwnersResult;
export function serverSources(root: string): SourceFile[];
