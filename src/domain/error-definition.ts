/** One entry of the closed error vocabulary: HTTP status and the FR/EN explanation. */
export interface ErrorDefinition {
  status: number;
  fr: string;
  en: string;
}
