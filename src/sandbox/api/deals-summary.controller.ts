import { Controller, Get, Query } from '@nestjs/common';
import type { DealRecord, StageRecord } from '../state/sandbox-data';
import type { ApiCaller } from './api-gate.service';
import { Caller } from './api-caller.decorator';
import { CompanyData, matchesConditions } from './company-data.service';
import { QueryReader } from './query-reader';
import { RequireScopes } from './required-scopes';

/** Fixed value of one unit in US dollars, so conversions are repeatable. */
const USD_PER_UNIT: Record<string, number> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CAD: 0.74,
};

interface CurrencyTotal {
  value: number;
  count: number;
  weighted: number;
}

@Controller('api/v1/deals')
export class DealsSummaryController {
  constructor(private readonly data: CompanyData) {}

  @Get('summary')
  @RequireScopes('deals:read', 'deals:full')
  summary(
    @Caller() caller: ApiCaller,
    @Query() rawQuery: Record<string, unknown>,
  ): object {
    const query = new QueryReader(rawQuery);
    const company = this.data.companyOf(caller);
    const status = query.oneOf('status', ['open', 'won', 'lost'] as const);
    const filterId = query.id('filter_id');
    const userId = query.id('user_id');
    const pipelineId = query.id('pipeline_id');
    const stageId = query.id('stage_id');
    // A saved filter makes the API ignore user_id.
    const filter =
      filterId === undefined
        ? undefined
        : this.data.filterConditions(company, filterId, 'deals');

    const deals = company.deals.filter(
      (deal) =>
        !deal.is_deleted &&
        (status === undefined || deal.status === status) &&
        (filter
          ? matchesConditions(deal, filter)
          : userId === undefined || deal.user_id === userId) &&
        (pipelineId === undefined || deal.pipeline_id === pipelineId) &&
        (stageId === undefined || deal.stage_id === stageId),
    );

    const totals = new Map<string, CurrencyTotal>();
    for (const deal of deals) {
      const total = totals.get(deal.currency) ?? {
        value: 0,
        count: 0,
        weighted: 0,
      };
      total.value += deal.value;
      total.count += 1;
      total.weighted += weightedValue(deal, company.stages);
      totals.set(deal.currency, total);
    }

    const home = company.currency;
    const valuesTotal: Record<string, object> = {};
    const weightedTotal: Record<string, object> = {};
    let converted = 0;
    let weightedConverted = 0;
    for (const [currency, total] of [...totals].sort()) {
      const valueConverted = convert(total.value, currency, home);
      converted += valueConverted;
      weightedConverted += convert(total.weighted, currency, home);
      valuesTotal[currency] = {
        value: round(total.value),
        count: total.count,
        value_converted: valueConverted,
        value_formatted: formatMoney(total.value, currency),
        value_converted_formatted: formatMoney(valueConverted, home),
      };
      weightedTotal[currency] = {
        value: round(total.weighted),
        count: total.count,
        value_formatted: formatMoney(total.weighted, currency),
      };
    }

    return {
      success: true,
      data: {
        values_total: valuesTotal,
        weighted_values_total: weightedTotal,
        total_count: deals.length,
        total_currency_converted_value: round(converted),
        total_weighted_currency_converted_value: round(weightedConverted),
        total_currency_converted_value_formatted: formatMoney(converted, home),
        total_weighted_currency_converted_value_formatted: formatMoney(
          weightedConverted,
          home,
        ),
      },
    };
  }
}

/** Weights by the deal's own probability, else its stage's. */
function weightedValue(deal: DealRecord, stages: StageRecord[]): number {
  const probability =
    deal.probability ??
    stages.find((stage) => stage.id === deal.stage_id)?.deal_probability ??
    100;

  return (deal.value * probability) / 100;
}

function convert(value: number, from: string, to: string): number {
  return round((value * (USD_PER_UNIT[from] ?? 1)) / (USD_PER_UNIT[to] ?? 1));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function formatMoney(value: number, currency: string): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  }).format(value);
}
