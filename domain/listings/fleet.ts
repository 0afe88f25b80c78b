/**
 * The models Prospector scrapes, by brand, and each brand's volume category (the original
 * system's categories: they decide how brands are batched, see batch-plan.ts). Names are
 * AutoTrader's `make` / `model` filter values.
 */
export type VolumeCategory = 'LOW' | 'MEDIUM' | 'HIGH' | 'MASSIVE';

export interface Brand {
  make: string;
  category: VolumeCategory;
  models: readonly string[];
}

export const FLEET: readonly Brand[] = [
  { make: 'Suzuki', category: 'LOW', models: ['Swift', 'Vitara', 'Ignis', 'S-Cross', 'Swace', 'Across', 'Jimny'] },
  { make: 'Tesla', category: 'LOW', models: ['Model 3', 'Model Y', 'Model S', 'Model X'] },
  { make: 'Mitsubishi', category: 'LOW', models: ['Outlander', 'ASX', 'Eclipse Cross', 'L200', 'Mirage', 'Shogun Sport'] },
  { make: 'Dacia', category: 'LOW', models: ['Sandero', 'Sandero Stepway', 'Duster', 'Jogger', 'Spring', 'Logan MCV'] },
  { make: 'Lexus', category: 'LOW', models: ['UX', 'NX', 'RX', 'ES', 'IS', 'CT', 'LC', 'LBX'] },
  { make: 'DS Automobiles', category: 'LOW', models: ['DS 3', 'DS 4', 'DS 7', 'DS 9', 'DS 3 Crossback', 'DS 7 Crossback'] },
  { make: 'Abarth', category: 'LOW', models: ['595', '695', '500e', '124 Spider'] },
  { make: 'Alfa Romeo', category: 'LOW', models: ['Giulia', 'Stelvio', 'Tonale', 'Giulietta', 'MiTo'] },

  { make: 'Hyundai', category: 'MEDIUM', models: ['i10', 'i20', 'i30', 'Tucson', 'Kona', 'Santa Fe', 'IONIQ 5', 'IONIQ', 'Bayon'] },
  { make: 'Renault', category: 'MEDIUM', models: ['Clio', 'Captur', 'Megane', 'Kadjar', 'Arkana', 'Austral', 'Zoe', 'Scenic'] },
  { make: 'Citroen', category: 'MEDIUM', models: ['C1', 'C3', 'C3 Aircross', 'C4', 'C5 Aircross', 'Berlingo', 'C4 Cactus', 'C5 X'] },
  { make: 'Volvo', category: 'MEDIUM', models: ['XC40', 'XC60', 'XC90', 'V40', 'V60', 'S60', 'V90', 'EX30'] },
  { make: 'Skoda', category: 'MEDIUM', models: ['Fabia', 'Octavia', 'Superb', 'Kodiaq', 'Karoq', 'Kamiq', 'Scala', 'Enyaq'] },
  { make: 'SEAT', category: 'MEDIUM', models: ['Ibiza', 'Leon', 'Arona', 'Ateca', 'Tarraco', 'Mii'] },
  { make: 'Fiat', category: 'MEDIUM', models: ['500', 'Panda', 'Tipo', '500X', '500L'] },
  { make: 'Honda', category: 'MEDIUM', models: ['Jazz', 'Civic', 'CR-V', 'HR-V', 'ZR-V', 'e'] },
  { make: 'Jaguar', category: 'MEDIUM', models: ['XE', 'XF', 'F-Pace', 'E-Pace', 'I-Pace', 'F-Type'] },
  { make: 'Mazda', category: 'MEDIUM', models: ['Mazda2', 'Mazda3', 'Mazda6', 'CX-3', 'CX-30', 'CX-5', 'MX-5', 'CX-60'] },
  { make: 'Porsche', category: 'MEDIUM', models: ['911', 'Cayenne', 'Macan', 'Panamera', 'Taycan', '718 Cayman', '718 Boxster'] },

  { make: 'Vauxhall', category: 'HIGH', models: ['Corsa', 'Astra', 'Mokka', 'Crossland', 'Grandland', 'Insignia', 'Zafira', 'Adam', 'Viva', 'Combo Life'] },
  { make: 'Nissan', category: 'HIGH', models: ['Qashqai', 'Juke', 'Micra', 'X-Trail', 'Leaf', 'Note', 'Ariya', 'Navara'] },
  { make: 'Toyota', category: 'HIGH', models: ['Yaris', 'Aygo', 'Corolla', 'C-HR', 'RAV4', 'Auris', 'Prius', 'Yaris Cross', 'Aygo X', 'GR86'] },
  { make: 'Peugeot', category: 'HIGH', models: ['108', '208', '308', '2008', '3008', '5008', '508', 'Rifter'] },
  { make: 'MINI', category: 'HIGH', models: ['Hatch', 'Countryman', 'Clubman', 'Convertible', 'Paceman'] },
  { make: 'Kia', category: 'HIGH', models: ['Picanto', 'Rio', 'Ceed', 'Sportage', 'Niro', 'Stonic', 'Sorento', 'XCeed', 'EV6', 'ProCeed'] },

  { make: 'Ford', category: 'MASSIVE', models: ['Fiesta', 'Focus', 'Kuga', 'Puma', 'EcoSport', 'Mondeo', 'Galaxy', 'S-Max', 'Mustang', 'Ranger', 'Ka+', 'C-Max', 'Edge'] },
  { make: 'BMW', category: 'MASSIVE', models: ['1 Series', '2 Series', '3 Series', '4 Series', '5 Series', 'X1', 'X2', 'X3', 'X4', 'X5', 'i3', 'i4', 'Z4', '2 Series Gran Coupe'] },
  { make: 'Audi', category: 'MASSIVE', models: ['A1', 'A3', 'A4', 'A5', 'A6', 'Q2', 'Q3', 'Q5', 'Q7', 'TT', 'Q8', 'e-tron', 'A7'] },
  { make: 'Volkswagen', category: 'MASSIVE', models: ['Polo', 'Golf', 'Tiguan', 'T-Roc', 'T-Cross', 'Passat', 'Up', 'Touran', 'Arteon', 'ID.3', 'ID.4', 'Touareg', 'Scirocco'] },
  { make: 'Mercedes-Benz', category: 'MASSIVE', models: ['A Class', 'C Class', 'E Class', 'GLA Class', 'GLC Class', 'CLA Class', 'B Class', 'GLE Class', 'S Class', 'GLB Class', 'SLK', 'EQA', 'CLS'] },
];

export interface FleetModel {
  make: string;
  model: string;
  category: VolumeCategory;
}

export const FLEET_MODELS: readonly FleetModel[] = FLEET.flatMap((brand) =>
  brand.models.map((model) => ({ make: brand.make, model, category: brand.category })),
);

const byKey = new Map(FLEET_MODELS.map((entry) => [modelKey(entry.make, entry.model), entry]));

/** Case- and spacing-insensitive key of a make and model. */
export function modelKey(make: string, model: string): string {
  const norm = (value: string) => value.trim().toLowerCase().replace(/\s+/g, ' ');
  return `${norm(make)}|${norm(model)}`;
}

/** The fleet entry (with the canonical spelling) for a make and model, or undefined when it is not in the fleet. */
export function findFleetModel(make: string, model: string): FleetModel | undefined {
  return byKey.get(modelKey(make, model));
}
