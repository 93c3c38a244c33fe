/**
 * People CSV export and import (papaparse).
 *
 * @packageDocumentation
 */
export {};
